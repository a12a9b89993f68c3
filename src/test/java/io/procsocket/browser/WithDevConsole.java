package io.procsocket.browser;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A fresh {@link DevConsole} page object on the class's Chromium for each test, and a directory for its scripts. */
abstract class WithDevConsole extends WithChromium {
    DevConsole console;

    @TempDir
    Path dir;

    @BeforeEach
    void page() {
        console = new DevConsole(chromium);
    }
}
