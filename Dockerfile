# Procsocket in a container: the executable WAR serving the examples.
#   docker build -t procsocket .
#   docker run --rm -p 8080:8080 procsocket                       # examples/count.sh, console on GET /
#   docker run --rm -p 8080:8080 -v "$PWD/scripts:/scripts:ro" procsocket --port=8080 /scripts/tool.sh

# ---- build: the same command as the README's quickstart, tests left to CI ----
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# The POM first, so dependencies *and plugins* stay cached in this layer while only sources change.
COPY pom.xml ./
RUN mvn -B -q dependency:go-offline
COPY src ./src
# maven.test.skip: tests are neither compiled nor run here (CI runs them); -DskipTests would still compile them.
RUN mvn -B -q package -Dmaven.test.skip=true

# ---- runtime: a JRE, tini, curl for the health check, and nothing else ----
FROM eclipse-temurin:17-jre
# tini is PID 1: it forwards SIGTERM to the JVM (whose shutdown hook ends every child's process group)
# and reaps orphans, which PID 1 must do and a JVM does not. The base image (Ubuntu) has glibc >= 2.34,
# which the process launcher needs (posix_spawn_file_actions_addclosefrom_np).
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin procsocket
WORKDIR /app
COPY --from=build /src/target/procsocket.war /app/procsocket.war
COPY bin/procsocket /app/bin/procsocket
COPY src/main/docker/healthcheck.sh /usr/local/bin/procsocket-healthcheck
COPY examples/ /app/examples/
# ExitOnOutOfMemoryError: a JVM out of heap exits (status 3, "Terminating due to java.lang.OutOfMemoryError")
# instead of limping on, and Docker's restart policy starts a healthy one. MaxRAMPercentage sizes the heap from
# the container's memory limit (the JVM reads the cgroup), leaving room for the children it starts.
ENV PROCSOCKET_WAR=/app/procsocket.war \
    PROCSOCKET_CACHE_DIR=/app/cache \
    JAVA_OPTS="-XX:+ExitOnOutOfMemoryError -XX:MaxRAMPercentage=75"
# The launcher's first start explodes the WAR and trains its class-data-sharing archive: done here, once, as
# root, so every container starts from the archive (a third to a half of `java -jar`'s time to the first connection).
RUN chmod 0755 /app/examples/*.sh /usr/local/bin/procsocket-healthcheck /app/bin/procsocket \
 && /app/bin/procsocket --version
USER procsocket:procsocket
EXPOSE 8080
# Healthy = ready: GET /.procsocket/health/ready answers 200 (programs can be started, the listeners are bound, not
# shutting down); a probe starts no program. The script reads the port, address and --ssl from the server's own
# command line, so it checks wherever `docker run ... --port=N [--ssl ...]` told the server to listen.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["/usr/local/bin/procsocket-healthcheck"]
ENTRYPOINT ["/usr/bin/tini", "--", "/app/bin/procsocket"]
CMD ["--port=8080", "--devconsole", "examples/count.sh"]
