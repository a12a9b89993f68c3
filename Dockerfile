# Procsocket in a container: the executable WAR serving the examples.
#   docker build -t procsocket .
#   docker run --rm -p 8080:8080 procsocket                       # examples/count.sh, console on GET /
#   docker run --rm -p 8080:8080 -v "$PWD/scripts:/scripts:ro" procsocket --port=8080 /scripts/tool.sh

# ---- build: the same command as the README's quickstart, tests left to CI ----
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# The POM first, so dependency downloads stay cached while only sources change.
COPY pom.xml ./
RUN mvn -B -q dependency:resolve
COPY src ./src
RUN mvn -B -q package -DskipTests

# ---- runtime: a JRE, tini, and nothing else ----
FROM eclipse-temurin:17-jre
# tini is PID 1: it forwards SIGTERM to the JVM (whose shutdown hook ends every child's process group)
# and reaps orphans, which PID 1 must do and a JVM does not. The base image (Ubuntu) has glibc >= 2.34,
# which the process launcher needs (posix_spawn_file_actions_addclosefrom_np).
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin procsocket
WORKDIR /app
COPY --from=build /src/target/procsocket.war /app/procsocket.war
COPY examples/ /app/examples/
RUN chmod 0755 /app/examples/*.sh
USER procsocket:procsocket
EXPOSE 8080
# Any HTTP answer proves the server is up (GET / is 200 with --devconsole, 404 without). bash's /dev/tcp
# needs no curl in the image.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET / HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q '^HTTP/1\\.[01] [0-9][0-9][0-9]'"]
ENTRYPOINT ["/usr/bin/tini", "--", "java", "-jar", "/app/procsocket.war"]
CMD ["--port=8080", "--devconsole", "examples/count.sh"]
