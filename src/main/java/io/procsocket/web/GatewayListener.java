package io.procsocket.web;

import io.procsocket.config.Config;
import io.procsocket.config.UsageException;
import io.procsocket.endpoint.GatewayEndpoints;
import io.procsocket.gateway.Gateway;
import io.procsocket.log.GatewayLevel;
import io.procsocket.log.ContainerLogging;
import io.procsocket.log.GatewayLog;
import io.procsocket.process.ProcessBackend;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Starts and stops the gateway with the web application (declared in WEB-INF/web.xml). Reads the
 * flags, builds the {@link Gateway}, and puts the {@link UpgradeFilter} in front of everything. A bad
 * configuration fails the deployment (the exception) after saying why (the log line); no configuration
 * at all deploys a WAR whose welcome page explains how to configure it.
 */
public final class GatewayListener implements ServletContextListener {
    /** Pump threads end once their child's pipes close, which close() has just forced. */
    private static final long THREAD_STOP_WAIT_SECONDS = 5;

    private Gateway gateway;
    private ContainerLogging logging;
    /**
     * Ends the children if the container's JVM is stopped without undeploying us first (Payara Micro
     * stopped by a signal does exactly that); removed again on a normal undeploy so the old class loader
     * is not kept alive by the JVM's hook list.
     */
    private Thread shutdownHook;
    /** The level we gave our logger, and the one it had before (see {@link #restoreLevel()}). */
    private Level levelOurs;
    private Level levelBefore;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        GatewayLog.inlineAssociations();
        logging = ContainerLogging.install();
        GatewayLog log = GatewayLog.root().with("context", context.getContextPath());
        ContainerArgs.Source source = ContainerArgs.find(context.getInitParameter(ContainerArgs.CONTEXT_PARAM),
                System.getProperty(ContainerArgs.SYSTEM_PROPERTY), System.getenv(ContainerArgs.ENVIRONMENT_VARIABLE),
                context.getInitParameter(ContainerArgs.CONFIG_CONTEXT_PARAM),
                System.getProperty(ContainerArgs.CONFIG_SYSTEM_PROPERTY),
                System.getenv(ContainerArgs.CONFIG_ENVIRONMENT_VARIABLE));
        boolean console = false;
        ServerEndpointConfig endpoint = null;
        if (source == null) {
            log.info("server", "Not configured: upgrades are refused with 503 until %s, system property %s or "
                    + "environment variable %s gives a command", ContainerArgs.CONTEXT_PARAM,
                    ContainerArgs.SYSTEM_PROPERTY, ContainerArgs.ENVIRONMENT_VARIABLE);
        } else {
            Config config;
            try {
                config = ContainerArgs.parse(source.value(), System.getenv(), Path.of("").toAbsolutePath());
            } catch (UsageException e) {
                log.fatal("server", "Refusing to deploy, bad %s: %s", source.name(), e.getMessage());
                stopLogging();
                throw new IllegalStateException("procsocket: bad " + source.name() + ": " + e.getMessage());
            }
            levelBefore = GatewayLog.logger().getLevel();
            levelOurs = GatewayLevel.of(config.logLevel());
            GatewayLog.logger().setLevel(levelOurs);
            try {
                gateway = new Gateway(config);
            } catch (RuntimeException e) {
                // --shared-bus and its Redis cannot be reached: nothing was started.
                log.fatal("server", "Refusing to deploy: %s", e.getMessage());
                restoreLevel();
                stopLogging();
                throw new IllegalStateException("procsocket: " + e.getMessage(), e);
            }
            try {
                gateway.awaitProcessLayer();
            } catch (RuntimeException e) {
                // Not 64-bit Linux with glibc 2.34+, or JNA's native part cannot load: no child could start.
                log.fatal("server", "Refusing to deploy: %s", e.getMessage());
                gateway.close();
                gateway = null;
                restoreLevel();
                stopLogging();
                throw new IllegalStateException("procsocket: " + e.getMessage(), e);
            }
            gateway.metrics().exposeOverJmx(context.getContextPath());
            endpoint = GatewayEndpoints.config(gateway);
            registerEndpoint(context, endpoint);
            // The hook may run after the container has closed our class loader (Payara does, on SIGTERM): every
            // class the kill path needs, JNA's included, is loaded now while loading still works.
            gateway.processes().prepareForShutdown();
            preload("io.procsocket.endpoint.CloseReasons");
            shutdownHook = new Thread(gateway::close, "procsocket-shutdown" + context.getContextPath().replace('/', '-'));
            Runtime.getRuntime().addShutdownHook(shutdownHook);
            if (config.devConsole()) {
                console = ConsolePage.inBuild();
            }
            gateway.startShared(context.getContextPath());
            // No signals for a deployed WAR: a changed routes file is noticed instead.
            gateway.watchConfigFile();
            log.info("server", "Serving using the container's WebSocket implementation, command '%s' (from %s)",
                    config.commandLabel(), source.name());
            gateway.logProcessBackend();
        }
        FilterRegistration.Dynamic filter = context.addFilter("procsocket-upgrade", new UpgradeFilter(gateway, endpoint, console));
        filter.setAsyncSupported(true);
        filter.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        boolean jvmExiting = false;
        ProcessBackend processes = gateway == null ? null : gateway.processes();
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down: the hook is running too; closing twice is harmless.
                jvmExiting = true;
            }
            shutdownHook = null;
        }
        if (gateway != null) {
            // Undeploy, redeploy and shutdown all end here: every child's process group goes with the app.
            gateway.close();
            // close() only asks the threads to stop; wait for them so the container's leak check
            // (run right after this) finds none left holding the web application's class loader.
            awaitQuietly(gateway.workers());
            awaitQuietly(gateway.timer());
            gateway = null;
        }
        stopLogging();
        // Letting go of JNA while one of our threads may still be in a libc call or reading a buffer would
        // crash the container; a thread that did not stop leaks the class loader instead.
        if (!jvmExiting && WebappThreads.joinOwn(THREAD_STOP_WAIT_SECONDS) && processes != null) {
            processes.release();
        }
        restoreLevel();
    }

    /**
     * Takes our level object back out of the container's logger. A logger belongs to the container's
     * LogManager, not to us (Tomcat's ClassLoaderLogManager keeps it in a map it only lets go of once our
     * class loader is collected), and a {@link GatewayLevel} set on it is an instance of one of our
     * classes: left there, it kept every undeployed copy of the web application alive. The level before
     * ours comes back if it was a JDK one; another deployment's (copies sharing one logger, as in Payara)
     * would pin that deployment in turn, so then none. A level someone set since is left alone.
     */
    private void restoreLevel() {
        Logger logger = GatewayLog.logger();
        if (levelOurs != null && logger.getLevel() == levelOurs) {
            logger.setLevel(levelBefore == null || levelBefore.getClass() == Level.class ? levelBefore : null);
        }
        levelOurs = null;
        levelBefore = null;
    }

    /** The log's writer thread is ours: stopped with the application (after its last line), or the container warns. */
    private void stopLogging() {
        if (logging != null) {
            logging.close();
            logging = null;
        }
    }

    /**
     * Registers the gateway endpoint at its fixed path. Tomcat's upgradeHttpToWebSocket would not need it,
     * but Tyrus (Payara) only upgrades to endpoints it has registered. Reaching that path directly gains
     * nothing: the endpoint serves only tickets the filter handed out, each once.
     */
    private void registerEndpoint(ServletContext context, ServerEndpointConfig endpoint) {
        ServerContainer container = (ServerContainer) context.getAttribute(ServerContainer.class.getName());
        if (container == null) {
            gateway.close();
            throw new IllegalStateException("procsocket: this container offers no Jakarta WebSocket ServerContainer");
        }
        try {
            container.addEndpoint(endpoint);
        } catch (DeploymentException e) {
            gateway.close();
            throw new IllegalStateException("procsocket: the container refused the gateway endpoint: " + e.getMessage(), e);
        }
    }

    /** Loads a class the shutdown path needs while this web application's class loader is still open. */
    private static void preload(String className) {
        try {
            Class.forName(className, true, GatewayListener.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("procsocket: incomplete build, missing " + className, e);
        }
    }

    private static void awaitQuietly(ExecutorService threads) {
        try {
            threads.awaitTermination(THREAD_STOP_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
