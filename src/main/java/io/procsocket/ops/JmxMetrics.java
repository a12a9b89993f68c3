package io.procsocket.ops;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Label;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.JMException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The same registry over JMX (in a container, where operators look with JConsole or a JMX exporter): one MBean,
 * {@code io.procsocket:type=Metrics,context="/path"}, whose read-only attributes are the registry's samples named as
 * the text format names them ({@code procsocket_connections_total{route="/bin/cat"}}; histograms as _count and _sum),
 * read from a fresh scrape. The JDK's platform MBean server, so no JMX bridge library joins the WAR.
 */
final class JmxMetrics implements DynamicMBean {
    private static final System.Logger LOG = System.getLogger(JmxMetrics.class.getName());

    private final PrometheusRegistry registry;
    private final ObjectName name;

    private JmxMetrics(PrometheusRegistry registry, ObjectName name) {
        this.registry = registry;
        this.name = name;
    }

    /** Registered on the platform MBean server; null (and logged) if it cannot be. */
    static JmxMetrics register(PrometheusRegistry registry, String contextPath) {
        try {
            ObjectName name = objectName(contextPath);
            JmxMetrics bean = new JmxMetrics(registry, name);
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            if (server.isRegistered(name)) {
                server.unregisterMBean(name); // a redeploy whose undeploy did not get to close()
            }
            server.registerMBean(bean, name);
            return bean;
        } catch (JMException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "metrics not registered over JMX: " + e);
            return null;
        }
    }

    static ObjectName objectName(String contextPath) throws JMException {
        return new ObjectName("io.procsocket:type=Metrics,context="
                + ObjectName.quote(contextPath == null || contextPath.isEmpty() ? "/" : contextPath));
    }

    void unregister() {
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        } catch (JMException | RuntimeException e) {
            // Already gone.
        }
    }

    /** Every sample now, by its exposition name. */
    Map<String, Double> samples() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (MetricSnapshot m : registry.scrape()) {
            String base = m.getMetadata().getPrometheusName();
            for (DataPointSnapshot p : m.getDataPoints()) {
                String labels = labels(p);
                if (p instanceof CounterSnapshot.CounterDataPointSnapshot c) {
                    out.put(base + "_total" + labels, c.getValue());
                } else if (p instanceof GaugeSnapshot.GaugeDataPointSnapshot g) {
                    out.put(base + labels, g.getValue());
                } else if (p instanceof UnknownSnapshot.UnknownDataPointSnapshot u) {
                    out.put(base + labels, u.getValue());
                } else if (p instanceof HistogramSnapshot.HistogramDataPointSnapshot h) {
                    out.put(base + "_count" + labels, (double) h.getCount());
                    out.put(base + "_sum" + labels, h.getSum());
                }
            }
        }
        return out;
    }

    private static String labels(DataPointSnapshot p) {
        if (p.getLabels().isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder("{");
        for (Label l : p.getLabels()) {
            if (b.length() > 1) {
                b.append(',');
            }
            b.append(l.getName()).append("=\"").append(l.getValue().replace("\\", "\\\\").replace("\"", "\\\""))
                    .append('"');
        }
        return b.append('}').toString();
    }

    @Override
    public Object getAttribute(String attribute) throws AttributeNotFoundException {
        Double v = samples().get(attribute);
        if (v == null) {
            throw new AttributeNotFoundException(attribute);
        }
        return v;
    }

    @Override
    public AttributeList getAttributes(String[] attributes) {
        Map<String, Double> now = samples();
        AttributeList list = new AttributeList();
        for (String a : attributes) {
            Double v = now.get(a);
            if (v != null) {
                list.add(new Attribute(a, v));
            }
        }
        return list;
    }

    @Override
    public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
        throw new AttributeNotFoundException("read-only: " + attribute.getName());
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList();
    }

    @Override
    public Object invoke(String actionName, Object[] params, String[] signature) {
        throw new UnsupportedOperationException(actionName);
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        MBeanAttributeInfo[] attributes = samples().keySet().stream()
                .map(n -> new MBeanAttributeInfo(n, Double.class.getName(), n, true, false, false))
                .toArray(MBeanAttributeInfo[]::new);
        return new MBeanInfo(JmxMetrics.class.getName(), "Procsocket's Prometheus registry (--metrics)", attributes,
                null, null, null);
    }
}
