package io.procsocket.launcher;

/** --help and --license text. */
final class HelpText {
    private HelpText() { }

    static String help() {
        return String.join("\n",
                "procsocket - websocketd as a Jakarta WebSocket WAR",
                "",
                "Usage:",
                "  java -jar procsocket.war [options] COMMAND [COMMAND_ARGS...]",
                "",
                "Every WebSocket connection starts COMMAND. Each text message the client sends becomes a line",
                "on its stdin; each line it prints becomes a message. When it exits the client gets a close",
                "frame: 1000 on exit 0, 1011 otherwise (the exit status is in the reason).",
                "",
                "Options (one or two dashes; --name=value or --name value):",
                "  --port=PORT            HTTP port to listen on (default 80)",
                "  --address=ADDRESS      interface to bind to, repeatable; IPv6 in brackets (default: all)",
                "  --binary               binary frames, raw byte chunks both ways",
                "  --passenv=VAR1,VAR2    server environment variables passed to COMMAND",
                "                         (default PATH,LD_LIBRARY_PATH); all others are cleared",
                "  --closems=MS           extra wait added to each step of the kill sequence",
                "                         (stdin closed, SIGINT +100ms, SIGTERM +250ms, SIGKILL +500ms)",
                "  --maxforks=N           most processes at once; one more gets HTTP 429 (default 1024, 0 = no limit)",
                "  --maxframesize=BYTES   largest incoming message; larger closes with 1009 (default 1048576, 0 = no limit)",
                "  --loglevel=LEVEL       debug, trace, access, info, error, fatal or none (default access)",
                "  --help                 print this help and exit",
                "  --version              print the version and exit",
                "  --license              print the license and exit",
                "",
                "  --devconsole           a browser console page on every plain HTTP GET",
                "",
                "Not supported yet (refused with a clear error): --dir, --staticdir, --cgidir,",
                "  --origin, --sameorigin, --header, --header-ws, --header-http, --ssl, --sslcert, --sslkey,",
                "  --sslca, --redirport, --pingms, --passstderr, --reverselookup, --unixsocket",
                "",
                "Full documentation: README.md in the project.",
                "");
    }

    static String license() {
        return String.join("\n",
                "Copyright (c) the Procsocket authors. All rights reserved.",
                "",
                "Redistribution and use in source and binary forms, with or without modification, are permitted",
                "provided that the following conditions are met:",
                "",
                "1. Redistributions of source code must retain the above copyright notice, this list of",
                "   conditions and the following disclaimer.",
                "2. Redistributions in binary form must reproduce the above copyright notice, this list of",
                "   conditions and the following disclaimer in the documentation and/or other materials",
                "   provided with the distribution.",
                "",
                "THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS \"AS IS\" AND ANY EXPRESS OR",
                "IMPLIED WARRANTIES ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE",
                "LIABLE FOR ANY DAMAGES ARISING IN ANY WAY OUT OF THE USE OF THIS SOFTWARE.",
                "",
                "Procsocket reimplements the behaviour of websocketd (BSD-2-Clause, Joe Walnes and the",
                "websocketd team) in Java; it contains none of its code.",
                "");
    }
}
