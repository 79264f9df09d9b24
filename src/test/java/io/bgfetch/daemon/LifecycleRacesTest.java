package io.bgfetch.daemon;

import static io.bgfetch.daemon.InProcessDaemon.TIMEOUT;
import static io.bgfetch.daemon.InProcessDaemon.events;
import static io.bgfetch.daemon.InProcessDaemon.hooks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.protocol.ExitCode;
import io.bgfetch.protocol.RecordInfo;
import io.bgfetch.protocol.Registration;
import io.bgfetch.protocol.Reply;
import io.bgfetch.protocol.Request;
import io.bgfetch.testing.BodyGate;
import io.bgfetch.testing.Fault;
import io.bgfetch.testing.Poll;
import io.bgfetch.testing.Resource;
import io.bgfetch.testing.Sha256;
import io.bgfetch.testing.TestServer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fetch finishing while a pause or an abort arrives: exactly one of them wins, the loser is
 * refused with exit 1, and each hook runs once for the ending that won. Each race is played in
 * a chosen order: the run's ending held at the {@link EndingGate} (its records are complete, it
 * has not stored its result), or the body held one byte before its end at a {@link BodyGate}.
 */
class LifecycleRacesTest {
    private static final int SIZE = 64 * 1024;

    @TempDir
    Path tmp;

    private TestServer server;
    private InProcessDaemon daemon;
    private Path events;
    private Resource body;

    @BeforeEach
    void setUp() throws Exception {
        server = TestServer.start();
        daemon = InProcessDaemon.start(tmp.resolve("home"));
        events = tmp.resolve("events");
        body = server.add("/a.bin", SIZE);
    }

    @AfterEach
    void tearDown() throws Exception {
        daemon.close();
        server.close();
    }

    private Registration fetch(String id) throws Exception {
        return daemon.register(id, hooks(events, 1), server.url("/a.bin"));
    }

    private void assertRefused(Request<?> request, String words) throws Exception {
        Reply r = daemon.refused(request);
        assertEquals(ExitCode.FAILED.code(), r.exitCode(), r.error());
        assertTrue(r.error().contains(words), r.error());
    }

    private void assertBodyIntact(String id) throws Exception {
        RecordInfo r = daemon.records(id).get(0);
        assertEquals("done", r.state());
        assertEquals(body.sha256(), Sha256.hex(Path.of(r.path())));
    }

    /** Once the fetch has ended, neither pause nor resume nor abort moves it, and no hook runs again. */
    private void assertNothingMovesIt(String id, String eventsSoFar) throws Exception {
        assertRefused(new Request.Pause(id), "is not active");
        assertRefused(new Request.Resume(id), "is not paused");
        assertRefused(new Request.Abort(id), "has already finished");
        daemon.awaitHooks(id);
        assertEquals(eventsSoFar, events(events));
    }

    @Test
    void aFetchThatFinishesFirstIsNotPausedAndItsResumeDoesNotRunItsHookAgain() throws Exception {
        daemon.endings.hold();
        fetch("f");
        assertTrue(daemon.endings.awaitHeld(1, TIMEOUT), "its record complete, its ending waits");

        assertRefused(new Request.Pause("f"), "is not active (finishing)");

        daemon.endings.release();
        assertEquals("success", daemon.awaitDone("f").result());
        daemon.awaitHooks("f");
        assertEquals("s", events(events));
        assertBodyIntact("f");
        assertNothingMovesIt("f", "s");
    }

    @Test
    void aFetchThatFinishesFirstIsNotAbortedAndKeepsItsBody() throws Exception {
        daemon.endings.hold();
        fetch("f");
        assertTrue(daemon.endings.awaitHeld(1, TIMEOUT));

        assertRefused(new Request.Abort("f"), "is ending (finishing)");

        daemon.endings.release();
        assertEquals("success", daemon.awaitDone("f").result());
        daemon.awaitHooks("f");
        assertEquals("s", events(events), "no --on-abort after --on-success");
        assertBodyIntact("f");
        assertNothingMovesIt("f", "s");
    }

    @Test
    void aPauseBeforeTheLastByteWinsAndTheFetchSucceedsOnceAfterItsResume() throws Exception {
        BodyGate lastByte = new BodyGate();
        body.faults(Fault.holdAt(SIZE - 1, lastByte));
        fetch("f");
        assertTrue(lastByte.awaitReached(TIMEOUT));

        Registration paused = daemon.ok(new Request.Pause("f"));
        lastByte.release();

        assertEquals("paused", paused.state());
        assertEquals("pending", daemon.records("f").get(0).state());
        assertRefused(new Request.Pause("f"), "is not active (paused)");
        assertEquals("", events(events), "a pause is not an ending");
        assertEquals("paused", daemon.row("f").state().wire());

        daemon.ok(new Request.Resume("f"));
        assertEquals("success", daemon.awaitDone("f").result());
        daemon.awaitHooks("f");
        assertEquals("s", events(events));
        assertBodyIntact("f");
        assertNothingMovesIt("f", "s");
    }

    @Test
    void anAbortBeforeTheLastByteWinsAndNothingOfTheFetchIsKept() throws Exception {
        BodyGate lastByte = new BodyGate();
        body.faults(Fault.holdAt(SIZE - 1, lastByte));
        fetch("f");
        assertTrue(lastByte.awaitReached(TIMEOUT));

        Registration aborted = daemon.ok(new Request.Abort("f"));
        lastByte.release();

        assertEquals("done", aborted.state());
        assertEquals("failure", aborted.result());
        assertEquals("aborted", aborted.failureReason());
        RecordInfo r = daemon.records("f").get(0);
        assertEquals("failed", r.state());
        assertEquals(null, r.path());
        assertEquals(List.of(), daemon.storedFiles("f"));
        daemon.awaitHooks("f");
        assertEquals("a", events(events));
        assertNothingMovesIt("f", "a");
        assertEquals(List.of(), daemon.storedFiles("f"), "no body came back");
    }

    @Test
    void anAbortOverridesAPauseOnItsWayAndThePauseIsRefused() throws Exception {
        BodyGate held = new BodyGate();
        body.faults(Fault.holdAt(SIZE / 2, held));
        daemon.endings.hold();
        fetch("f");
        assertTrue(held.awaitReached(TIMEOUT));

        CompletableFuture<Reply> pause = inBackground(new Request.Pause("f"));
        assertTrue(daemon.endings.awaitHeld(1, TIMEOUT), "the pause stopped the record; the run's ending waits");
        CompletableFuture<Reply> abort = new CompletableFuture<>();
        Thread aborting = new Thread(() -> abort.complete(sendQuietly(new Request.Abort("f"))), "test-abort");
        aborting.setDaemon(true);
        aborting.start();
        // Its only wait: for the run's end, once its stop was taken.
        Poll.until(TIMEOUT, () -> aborting.getState() == Thread.State.TIMED_WAITING, "the abort to wait for the run's end");
        assertRefused(new Request.Abort("f"), "is ending"); // a second abort loses to the first

        daemon.endings.release();

        assertTrue(abort.get().ok(), abort.get().error());
        Reply p = pause.get();
        assertEquals(ExitCode.FAILED.code(), p.exitCode(), String.valueOf(p.data()));
        assertTrue(p.error().contains("is not active (failure, aborted)"), p.error());
        assertEquals("aborted", daemon.status("f").failureReason());
        assertNothingMovesIt("f", "a");
    }

    @Test
    void aRunAskedForWhileTheLastOneEndsStartsAfterItAndRespectsThePause() throws Exception {
        BodyGate held = new BodyGate();
        body.faults(Fault.holdAt(SIZE / 2, held));
        daemon.endings.hold();
        fetch("f");
        assertTrue(held.awaitReached(TIMEOUT));
        CompletableFuture<Reply> pause = inBackground(new Request.Pause("f"));
        assertTrue(daemon.endings.awaitHeld(1, TIMEOUT));

        daemon.scheduler.start(daemon.row("f")); // as a resume would, while the run still ends
        daemon.endings.release();

        assertTrue(pause.get().ok(), pause.get().error());
        daemon.awaitIdle("f");
        assertEquals("paused", daemon.status("f").state());
        assertEquals(1, server.requestCount("/a.bin"), "the run started afterwards did not transfer");

        daemon.ok(new Request.Resume("f"));
        assertEquals("success", daemon.awaitDone("f").result());
        daemon.awaitHooks("f");
        assertEquals("s", events(events));
        assertBodyIntact("f");
    }

    @Test
    void aPauseResumeAndAbortOfAFinishedFetchAreRefused() throws Exception {
        fetch("f");
        assertEquals("success", daemon.awaitDone("f").result());
        daemon.awaitIdle("f");
        assertNothingMovesIt("f", "s");
        assertBodyIntact("f");
    }

    private CompletableFuture<Reply> inBackground(Request<?> request) {
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        Thread t = new Thread(() -> reply.complete(sendQuietly(request)), "test-" + request.getClass().getSimpleName());
        t.setDaemon(true);
        t.start();
        return reply;
    }

    private Reply sendQuietly(Request<?> request) {
        try {
            return daemon.send(request);
        } catch (Exception e) {
            return Reply.failure(ExitCode.LOCAL_IO, "the test could not send it: " + e);
        }
    }
}
