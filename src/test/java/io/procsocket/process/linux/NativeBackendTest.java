package io.procsocket.process.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procsocket.process.ChildProcess;
import io.procsocket.process.ProcessBackend;
import io.procsocket.process.ProcessBackendContract;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The backend contract against posix_spawn, epoll and pidfd, and what only the native backend does. */
class NativeBackendTest extends ProcessBackendContract {
    @Override
    protected ProcessBackend startBackend() {
        return NativeBackend.start(false, 0);
    }

    @Test
    void manyChildrenCostNoThreadEach() throws Exception {
        int threadsBefore = Thread.activeCount();
        List<ChildProcess> cats = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            cats.add(launch(ENV, "/usr/bin/cat"));
        }
        assertTrue(Thread.activeCount() <= threadsBefore + 2,
                "threads went from " + threadsBefore + " to " + Thread.activeCount() + " for 50 children");
        cats.forEach(ChildProcess::closeStdin);
        for (ChildProcess cat : cats) {
            assertEquals(0, cat.awaitExit(BOUND.toMillis()), "cat ends at EOF on stdin");
        }
    }
}
