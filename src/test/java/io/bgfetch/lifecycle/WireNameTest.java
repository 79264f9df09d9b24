package io.bgfetch.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.bgfetch.transfer.FailureKind;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The words are the contract's (CLI.md), and every one reads back as its constant. */
class WireNameTest {
    private static List<String> words(WireName[] values) {
        return Arrays.stream(values).map(WireName::wire).toList();
    }

    @Test
    void theContractsWords() {
        assertEquals(List.of("queued", "active", "paused", "waiting", "done"), words(FetchState.values()));
        assertEquals(List.of("pending", "active", "done", "failed"), words(RecordState.values()));
        assertEquals(List.of("success", "failure"), words(FetchResult.values()));
        assertEquals(List.of("aborted", "bad-status", "fetch-error", "quota-exceeded", "download-total-exceeded"),
                words(FailureReason.values()));
    }

    @Test
    void everyWordReadsBack() {
        for (FetchState s : FetchState.values()) {
            assertEquals(s, FetchState.fromWire(s.wire()));
        }
        for (RecordState s : RecordState.values()) {
            assertEquals(s, RecordState.fromWire(s.wire()));
        }
        for (FailureReason r : FailureReason.values()) {
            assertEquals(r, FailureReason.fromWire(r.wire()));
        }
        assertNull(FailureReason.fromWire(""), "no failure");
        assertNull(FetchResult.fromWire(""), "not done");
        assertEquals("", WireName.of(null));
        assertThrows(IllegalArgumentException.class, () -> FetchState.fromWire("finished"));
    }

    @Test
    void aTransfersFailureIsOneOfTheContractsReasons() {
        assertEquals(List.of(FailureReason.BAD_STATUS, FailureReason.FETCH_ERROR, FailureReason.QUOTA_EXCEEDED),
                Arrays.stream(FailureKind.values()).map(FailureKind::reason).toList());
    }
}
