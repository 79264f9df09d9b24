package io.bgfetch.transfer;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Checkpoints one segment without stalling its download: the fsync and the progress record
 * run on a background thread while the connection keeps reading. A checkpoint claims only the
 * position reached when it was requested, and fsync covers at least everything written by
 * then, so the claim is always true. At most one is in flight per segment, so claims are
 * recorded in order; {@link #finish} waits for it before the final, synchronous checkpoint.
 */
final class BackgroundCheckpoint {
    private static final ExecutorService SYNCERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "bgfetch-fsync");
        t.setDaemon(true);
        return t;
    });

    private final BodyFile body;
    private final TransferListener listener;
    private final Segment segment;
    private Future<?> inFlight;
    private volatile TransferFailure.Permanent failure;

    BackgroundCheckpoint(BodyFile body, TransferListener listener, Segment segment) {
        this.body = body;
        this.listener = listener;
        this.segment = segment;
    }

    /** Starts a checkpoint of what is written so far, unless one is still running. */
    void request() throws TransferFailure.Permanent {
        rethrow();
        if (inFlight != null && !inFlight.isDone()) {
            return;
        }
        long position = segment.written();
        inFlight = SYNCERS.submit(() -> {
            try {
                body.force();
                listener.checkpoint(segment, position);
            } catch (TransferFailure.Permanent e) {
                failure = e;
            }
        });
    }

    /** Waits for the checkpoint in flight; the caller then records the final position itself. */
    void finish() throws TransferFailure.Permanent {
        if (inFlight != null) {
            boolean interrupted = false;
            while (true) {
                try {
                    inFlight.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (java.util.concurrent.ExecutionException e) {
                    break;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        rethrow();
    }

    private void rethrow() throws TransferFailure.Permanent {
        if (failure != null) {
            throw failure;
        }
    }
}
