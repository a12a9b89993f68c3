package io.procsocket.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * --config=FILE as written: YAML, top-level settings (each a flag's name) and a list of routes, every value with the
 * line it is on, so that a mistake is reported as {@code FILE:LINE: key: what is wrong}. Only the shapes settings
 * have are accepted: a scalar, a list of scalars, and for {@code env} a map of names to values. What the settings
 * mean is {@link CommandLine}'s business, as for flags.
 */
final class ConfigFile {
    /** Larger than any real routes file, small enough that reading one is never a memory question. */
    private static final long MAX_BYTES = 1 << 20;
    private static final YAMLFactory YAML = YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /**
     * One key and its value(s), as flag words: a scalar is one value, a list several, {@code env}'s map NAME=VALUE
     * pairs.
     */
    record Setting(String key, List<String> values, boolean list, int line) { }

    /** One entry of {@code routes:}, with the line it starts on. */
    record RouteEntry(int line, List<Setting> settings) {
        Setting get(String key) {
            for (Setting s : settings) {
                if (s.key().equals(key)) {
                    return s;
                }
            }
            return null;
        }
    }

    record Document(Path file, List<Setting> settings, List<RouteEntry> routes) { }

    private ConfigFile() { }

    static Document read(Path file) throws UsageException {
        String text;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new UsageException("--config " + file + ": larger than " + MAX_BYTES + " bytes");
            }
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UsageException("--config " + file + ": cannot read it: " + e.getMessage());
        }
        try (JsonParser p = YAML.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new UsageException(file + ": the file is empty");
            }
            if (t != JsonToken.START_OBJECT) {
                throw at(file, p, "the file must be a mapping of settings (key: value) and routes");
            }
            List<Setting> settings = new ArrayList<>();
            List<RouteEntry> routes = new ArrayList<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                int line = line(p);
                p.nextToken();
                if (key.equals("routes")) {
                    routes(file, p, routes);
                } else {
                    settings.add(setting(file, p, key, line));
                }
            }
            return new Document(file, settings, routes);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new UsageException(file + (line > 0 ? ":" + line : "") + ": not valid YAML: "
                    + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new UsageException(file + ": cannot read it: " + e.getMessage());
        }
    }

    private static void routes(Path file, JsonParser p, List<RouteEntry> routes) throws IOException, UsageException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw at(file, p, "routes: must be a list of routes (each \"- path: ...\")");
        }
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw at(file, p, "routes: each route must be a mapping (path: ..., command: ...)");
            }
            int start = line(p);
            List<Setting> settings = new ArrayList<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                int line = line(p);
                p.nextToken();
                if (key.equals("routes")) {
                    throw new UsageException(file + ":" + line + ": routes: a route cannot hold routes");
                }
                settings.add(setting(file, p, key, line));
            }
            routes.add(new RouteEntry(start, settings));
        }
    }

    private static Setting setting(Path file, JsonParser p, String key, int line) throws IOException, UsageException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_ARRAY) {
            List<String> values = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                values.add(scalar(file, p, key, line));
            }
            return new Setting(key, values, true, line);
        }
        if (t == JsonToken.START_OBJECT) {
            if (!key.equals("env")) {
                throw new UsageException(file + ":" + line + ": " + key + ": must be a value or a list, not a mapping");
            }
            List<String> pairs = new ArrayList<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                pairs.add(name + "=" + scalar(file, p, key + "." + name, line(p)));
            }
            return new Setting(key, pairs, true, line);
        }
        return new Setting(key, List.of(scalar(file, p, key, line)), false, line);
    }

    private static String scalar(Path file, JsonParser p, String key, int line) throws IOException, UsageException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            throw new UsageException(file + ":" + line + ": " + key + ": has no value");
        }
        if (t == null || !t.isScalarValue()) {
            throw new UsageException(file + ":" + line + ": " + key + ": must be a plain value here, not a "
                    + (t == JsonToken.START_ARRAY ? "list" : "mapping"));
        }
        return p.getText();
    }

    private static int line(JsonParser p) {
        return p.currentTokenLocation().getLineNr();
    }

    private static UsageException at(Path file, JsonParser p, String what) {
        return new UsageException(file + ":" + line(p) + ": " + what);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
