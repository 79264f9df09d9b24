package io.bgfetch.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ResponseHeadTest {
    private static final String DATE = "Wed, 21 Oct 2015 07:28:00 GMT";

    private static ResponseHead head(String etag, String lastModified) {
        return new ResponseHead(200, "OK", Map.of(), 10, etag, lastModified, true);
    }

    @Test
    void strongEtagIsPreferred() {
        assertEquals("\"abc\"", head("\"abc\"", DATE).ifRangeValidator());
        assertEquals("\"abc\"", head("\"abc\"", null).ifRangeValidator());
    }

    @Test
    void weakEtagFallsBackToLastModified() {
        assertEquals(DATE, head("W/\"abc\"", DATE).ifRangeValidator());
    }

    @Test
    void weakEtagAloneGivesNoValidator() {
        assertNull(head("W/\"abc\"", null).ifRangeValidator());
    }

    @Test
    void lastModifiedAlone() {
        assertEquals(DATE, head(null, DATE).ifRangeValidator());
    }

    @Test
    void neitherGivesNull() {
        assertNull(head(null, null).ifRangeValidator());
    }
}
