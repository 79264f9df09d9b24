package io.bgfetch.daemon;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.transfer.FailureKind;
import io.bgfetch.transfer.TransferFailure;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quota holds for bodies of known size before they start, and for bodies without a length as they arrive. */
class StorageBudgetTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path store;

    @Test
    void aKnownSizeThatDoesNotFitIsRefusedBeforeAnyByte() throws Exception {
        StorageBudget budget = new StorageBudget(store, 10 * MIB);
        budget.reserve(1, 0, 6 * MIB);

        TransferFailure.Permanent refused = assertThrows(TransferFailure.Permanent.class,
                () -> budget.reserve(1, 1, 5 * MIB));

        assertEquals(FailureKind.QUOTA, refused.kind());
        assertEquals(6 * MIB, budget.used());
    }

    @Test
    void aBodyWithoutALengthIsStoppedOnceItsBytesPassTheQuota() throws Exception {
        StorageBudget budget = new StorageBudget(store, 10 * MIB);
        budget.reserve(1, 0, 4 * MIB);
        StorageBudget.Streamed endless = budget.streamed(2, 0);

        long total = 0;
        TransferFailure.Permanent stopped = null;
        while (stopped == null && total < 100 * MIB) {
            total += 8 << 10; // one read
            try {
                endless.arrived(total);
            } catch (TransferFailure.Permanent p) {
                stopped = p;
            }
        }

        assertTrue(stopped != null, "an endless body must be stopped");
        assertEquals(FailureKind.QUOTA, stopped.kind());
        assertTrue(total > 6 * MIB, "not before the quota is reached: " + total);
        assertTrue(total <= 6 * MIB + MIB, "at most one step past the quota: " + total);
        assertTrue(stopped.getMessage().startsWith("the body (no length announced) reached "), stopped.getMessage());
        assertTrue(budget.used() <= 10 * MIB);
    }

    @Test
    void streamedBytesCountAgainstBodiesThatStartLater() throws Exception {
        StorageBudget budget = new StorageBudget(store, 10 * MIB);
        StorageBudget.Streamed streamed = budget.streamed(1, 0);
        streamed.arrived(7 * MIB);

        assertEquals(7 * MIB, budget.used());
        assertThrows(TransferFailure.Permanent.class, () -> budget.reserve(2, 0, 4 * MIB));
        assertDoesNotThrow(() -> budget.reserve(2, 0, 3 * MIB));
    }

    @Test
    void releasingAStreamedBodyGivesItsRoomBack() throws Exception {
        StorageBudget budget = new StorageBudget(store, 10 * MIB);
        budget.streamed(1, 0).arrived(9 * MIB);
        budget.streamed(1, 1).arrived(MIB);

        budget.release(1, 0);
        assertEquals(MIB, budget.used());
        budget.releaseFetch(1);
        assertEquals(0, budget.used());
        assertDoesNotThrow(() -> budget.reserve(2, 0, 10 * MIB));
    }

    @Test
    void aRestartedStreamedBodyDoesNotCountTwice() throws Exception {
        StorageBudget budget = new StorageBudget(store, 10 * MIB);
        budget.streamed(1, 0).arrived(6 * MIB);
        budget.reserve(1, 0, -1); // the body starts again with a new head of unknown length

        StorageBudget.Streamed again = budget.streamed(1, 0);
        assertDoesNotThrow(() -> again.arrived(9 * MIB));
        assertEquals(9 * MIB, budget.used());
    }

    @Test
    void withoutAQuotaNothingIsCounted() {
        assertNull(new StorageBudget(store, 0).streamed(1, 0));
    }
}
