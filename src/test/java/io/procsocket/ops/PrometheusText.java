package io.procsocket.ops;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4, for tests. Neither the Prometheus Java client nor
 * Micrometer ships a parser (both only write the format), so this one follows the format's specification to the
 * letter and fails on anything a Prometheus server would reject or misread: a malformed name, label or value; a
 * sample before its family's TYPE or a family split in two; a TYPE or HELP given twice; a series given twice; a
 * counter's sample without _total or negative; a histogram whose buckets are not cumulative, lack +Inf, or whose +Inf
 * bucket is not its _count.
 */
final class PrometheusText {
    static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    record Sample(String name, Map<String, String> labels, double value) { }

    static final class Family {
        final String name;
        String type = "untyped";
        String help;
        boolean typed;
        final List<Sample> samples = new ArrayList<>();

        Family(String name) {
            this.name = name;
        }
    }

    private final Map<String, Family> families = new LinkedHashMap<>();

    private PrometheusText() { }

    static PrometheusText parse(String text) {
        PrometheusText p = new PrometheusText();
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new IllegalArgumentException("the exposition must end with a line feed");
        }
        String[] lines = text.split("\n", -1);
        Family current = null;
        Set<String> closed = new java.util.HashSet<>();
        Set<String> series = new java.util.HashSet<>();
        for (int n = 0; n < lines.length - 1; n++) {
            String line = lines[n];
            String where = "line " + (n + 1) + ": " + line;
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("#")) {
                String[] t = line.split("[ \t]+", 4);
                if (t.length >= 3 && (t[1].equals("HELP") || t[1].equals("TYPE"))) {
                    String name = t[2];
                    require(METRIC_NAME.matcher(name).matches(), "bad metric name", where);
                    Family f = p.families.get(name);
                    if (f == null) {
                        require(!closed.contains(name), "family given twice", where);
                        f = new Family(name);
                        p.families.put(name, f);
                    } else {
                        require(f == current, "family split", where);
                    }
                    if (current != null && current != f) {
                        closed.add(current.name);
                    }
                    current = f;
                    if (t[1].equals("HELP")) {
                        require(f.help == null, "HELP twice", where);
                        f.help = t.length == 4 ? unescapeHelp(t[3], where) : "";
                    } else {
                        require(t.length == 4 && TYPES.contains(t[3]), "bad TYPE", where);
                        require(f.samples.isEmpty(), "TYPE after samples", where);
                        require(!f.typed, "TYPE twice", where);
                        f.typed = true;
                        f.type = t[3];
                    }
                }
                continue; // any other comment
            }
            Sample s = sample(line, where);
            Family f = familyOf(p, current, s.name);
            if (f == null) {
                // An untyped sample of its own family.
                require(!closed.contains(s.name) && !p.families.containsKey(s.name), "family split", where);
                f = new Family(s.name);
                p.families.put(s.name, f);
                if (current != null) {
                    closed.add(current.name);
                }
                current = f;
            }
            require(series.add(s.name + s.labels), "series given twice", where);
            if (f.type.equals("counter")) {
                require(s.name.endsWith("_total") || s.name.endsWith("_created"), "counter sample without _total", where);
                require(s.value >= 0 || Double.isNaN(s.value), "negative counter", where);
            }
            f.samples.add(s);
        }
        for (Family f : p.families.values()) {
            if (f.type.equals("histogram")) {
                checkHistogram(f);
            }
        }
        return p;
    }

    private static Family familyOf(PrometheusText p, Family current, String sample) {
        if (current == null) {
            return null;
        }
        String f = current.name;
        boolean ok = switch (current.type) {
            case "counter" -> sample.equals(f) || sample.equals(f + "_total") && !f.endsWith("_total")
                    || sample.equals(f.endsWith("_total") ? f.substring(0, f.length() - 6) + "_created" : f + "_created");
            case "histogram" -> sample.equals(f + "_bucket") || sample.equals(f + "_sum") || sample.equals(f + "_count")
                    || sample.equals(f + "_created");
            case "summary" -> sample.equals(f) || sample.equals(f + "_sum") || sample.equals(f + "_count")
                    || sample.equals(f + "_created");
            default -> sample.equals(f);
        };
        return ok ? current : null;
    }

    private static void checkHistogram(Family f) {
        Map<Map<String, String>, List<Sample>> bySeries = new LinkedHashMap<>();
        Map<Map<String, String>, Double> counts = new LinkedHashMap<>();
        for (Sample s : f.samples) {
            if (s.name.endsWith("_bucket")) {
                require(s.labels.containsKey("le"), "bucket without le", f.name);
                Map<String, String> rest = new LinkedHashMap<>(s.labels);
                rest.remove("le");
                bySeries.computeIfAbsent(rest, k -> new ArrayList<>()).add(s);
            } else if (s.name.endsWith("_count")) {
                counts.put(s.labels, s.value);
            }
        }
        for (Map.Entry<Map<String, String>, List<Sample>> e : bySeries.entrySet()) {
            double lastLe = Double.NEGATIVE_INFINITY;
            double lastCount = 0;
            for (Sample b : e.getValue()) {
                double le = value(b.labels.get("le"), f.name);
                require(le > lastLe, "buckets out of order", f.name);
                require(b.value >= lastCount, "buckets not cumulative", f.name);
                lastLe = le;
                lastCount = b.value;
            }
            require(lastLe == Double.POSITIVE_INFINITY, "no +Inf bucket", f.name + e.getKey());
            Double count = counts.get(e.getKey());
            require(count != null && count == lastCount, "+Inf bucket is not _count", f.name + e.getKey());
        }
    }

    private static Sample sample(String line, String where) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
            i++;
        }
        String name = line.substring(0, i);
        require(METRIC_NAME.matcher(name).matches(), "bad metric name", where);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (true) {
                if (line.charAt(i) == '}') {
                    i++;
                    break;
                }
                int eq = line.indexOf('=', i);
                require(eq > i, "bad label", where);
                String label = line.substring(i, eq);
                require(LABEL_NAME.matcher(label).matches(), "bad label name", where);
                require(eq + 1 < line.length() && line.charAt(eq + 1) == '"', "label value not quoted", where);
                StringBuilder v = new StringBuilder();
                int j = eq + 2;
                for (; ; j++) {
                    require(j < line.length(), "unterminated label value", where);
                    char c = line.charAt(j);
                    if (c == '"') {
                        break;
                    }
                    if (c == '\\') {
                        require(j + 1 < line.length(), "bad escape", where);
                        char e = line.charAt(++j);
                        require(e == '\\' || e == '"' || e == 'n', "bad escape", where);
                        v.append(e == 'n' ? '\n' : e);
                    } else {
                        v.append(c);
                    }
                }
                require(labels.put(label, v.toString()) == null, "label given twice", where);
                i = j + 1;
                require(i < line.length(), "unterminated labels", where);
                if (line.charAt(i) == ',') {
                    i++;
                } else {
                    require(line.charAt(i) == '}', "labels not separated by commas", where);
                }
            }
        }
        String[] rest = line.substring(i).trim().split("[ \t]+");
        require(rest.length == 1 || rest.length == 2, "bad value or timestamp", where);
        double value = value(rest[0], where);
        if (rest.length == 2) {
            require(rest[1].matches("-?[0-9]+"), "bad timestamp", where);
        }
        return new Sample(name, labels, value);
    }

    private static double value(String v, String where) {
        switch (v) {
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            case "NaN":
                return Double.NaN;
            default:
                require(v.matches("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?"), "bad value " + v, where);
                return Double.parseDouble(v);
        }
    }

    private static String unescapeHelp(String help, String where) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < help.length(); i++) {
            char c = help.charAt(i);
            if (c == '\\') {
                require(i + 1 < help.length(), "bad escape in HELP", where);
                char e = help.charAt(++i);
                require(e == '\\' || e == 'n', "bad escape in HELP", where);
                b.append(e == 'n' ? '\n' : e);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static void require(boolean ok, String what, String where) {
        if (!ok) {
            throw new IllegalArgumentException(what + " (" + where + ")");
        }
    }

    Map<String, Family> families() {
        return families;
    }

    Family family(String name) {
        return families.get(name);
    }

    /** The value of sample {@code name} with exactly these labels (name, value, name, value...), or 0 if absent. */
    double value(String name, String... labels) {
        Map<String, String> want = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            want.put(labels[i], labels[i + 1]);
        }
        for (Family f : families.values()) {
            for (Sample s : f.samples) {
                if (s.name.equals(name) && s.labels.equals(want)) {
                    return s.value;
                }
            }
        }
        return 0;
    }

    /** Every sample of {@code name}, whatever its labels. */
    List<Sample> samples(String name) {
        List<Sample> out = new ArrayList<>();
        for (Family f : families.values()) {
            for (Sample s : f.samples) {
                if (s.name.equals(name)) {
                    out.add(s);
                }
            }
        }
        return out;
    }
}
