package io.procsocket.server;

import io.procsocket.gateway.ContainedPaths;
import io.procsocket.gateway.UriPaths;
import io.procsocket.log.GatewayLog;
import io.procsocket.web.Html;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLConnection;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/**
 * --staticdir, like Go's http.FileServer that websocketd uses: files, index.html for a folder, a
 * listing when there is none, and a redirect to add the slash a folder's URL needs. Unlike Grizzly's
 * StaticHttpHandler it resolves every path to its real path and serves nothing outside the folder,
 * whether the way out is {@code ..}, an encoded {@code ..} or a symlink.
 */
final class StaticFiles {
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8", "htm", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8", "js", "text/javascript; charset=utf-8",
            "json", "application/json", "txt", "text/plain; charset=utf-8", "svg", "image/svg+xml",
            "wasm", "application/wasm", "png", "image/png", "ico", "image/x-icon");

    private final Path root;

    StaticFiles(Path realRoot) {
        this.root = realRoot;
    }

    /** Serves {@code path}; false when nothing is there (the caller answers 404). */
    boolean serve(Request request, Response response, String path, GatewayLog log) throws IOException {
        List<String> segments = ContainedPaths.segments(path);
        if (segments == null) {
            return false;
        }
        Path real;
        try {
            real = ContainedPaths.realInside(root, root.resolve(String.join("/", segments)));
        } catch (InvalidPathException e) {
            return false;
        }
        if (real == null) {
            return false;
        }
        String method = request.getMethod().getMethodString();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            log.access("http", "METHOD NOT ALLOWED");
            response.setHeader("Allow", "GET, HEAD");
            PlainHttpHandler.text(response, 405, "405 Method Not Allowed\n");
            return true;
        }
        if (Files.isDirectory(real)) {
            if (!path.endsWith("/")) {
                // Not the request's own path plus "/": "//sub" would become "//sub/", an open redirect.
                response.setStatus(301);
                response.setHeader("Location", UriPaths.folderLocation(segments, request.getQueryString()));
                return true;
            }
            Path index = ContainedPaths.realInside(root, real.resolve("index.html"));
            if (index != null && Files.isRegularFile(index)) {
                return sendFile(index, method, response, log);
            }
            log.access("http", "STATIC listing");
            listing(real, path, method, response);
            return true;
        }
        if (!Files.isRegularFile(real) || !Files.isReadable(real)) {
            return false;
        }
        return sendFile(real, method, response, log);
    }

    private boolean sendFile(Path file, String method, Response response, GatewayLog log) throws IOException {
        log.access("http", "STATIC");
        response.setStatus(200);
        response.setContentType(contentType(file));
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setContentLengthLong(Files.size(file));
        if (method.equals("HEAD")) {
            return true;
        }
        try (InputStream in = Files.newInputStream(file); OutputStream out = response.getOutputStream()) {
            in.transferTo(out);
        }
        return true;
    }

    private static void listing(Path dir, String path, String method, Response response) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                names.add(p.getFileName().toString() + (Files.isDirectory(p) ? "/" : ""));
            }
        }
        names.sort(null);
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<meta charset=\"utf-8\">\n<title>")
                .append(Html.escape(path)).append("</title>\n<pre>\n");
        for (String name : names) {
            String href = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20").replace("%2F", "/");
            html.append("<a href=\"").append(Html.escape(href)).append("\">").append(Html.escape(name))
                    .append("</a>\n");
        }
        html.append("</pre>\n");
        byte[] body = html.toString().getBytes(StandardCharsets.UTF_8);
        response.setStatus(200);
        response.setContentType("text/html; charset=utf-8");
        response.setContentLength(body.length);
        if (!method.equals("HEAD")) {
            response.getOutputStream().write(body);
        }
    }

    private static String contentType(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String known = dot < 0 ? null : TYPES.get(name.substring(dot + 1).toLowerCase(java.util.Locale.ROOT));
        if (known != null) {
            return known;
        }
        String guessed = URLConnection.guessContentTypeFromName(name);
        return guessed == null ? "application/octet-stream" : guessed;
    }
}
