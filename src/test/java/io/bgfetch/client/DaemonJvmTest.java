package io.bgfetch.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The daemon's JVM options and environment: only options its java knows, and the user's settings win. */
class DaemonJvmTest {

    @Test
    void trimsTheNativeHeapOnlyWhereTheJvmHasTheOption() {
        assertFalse(DaemonJvm.trimsNativeHeap(Runtime.Version.parse("17")));
        assertFalse(DaemonJvm.trimsNativeHeap(Runtime.Version.parse("17.0.8")));
        assertTrue(DaemonJvm.trimsNativeHeap(Runtime.Version.parse("17.0.9")));
        assertTrue(DaemonJvm.trimsNativeHeap(Runtime.Version.parse("17.0.15+6")));
        assertFalse(DaemonJvm.trimsNativeHeap(Runtime.Version.parse("20.0.2")));
        assertFalse(DaemonJvm.trimsNativeHeap(Runtime.Version.parse("21")));
        assertTrue(DaemonJvm.trimsNativeHeap(Runtime.Version.parse("21.0.1")));
        assertTrue(DaemonJvm.trimsNativeHeap(Runtime.Version.parse("25")));
    }

    @Test
    void compatLocaleDataOnlyWhereItIsNotDeprecated() {
        assertTrue(DaemonJvm.hasCompatLocaleData(Runtime.Version.parse("17.0.15+6")));
        assertTrue(DaemonJvm.hasCompatLocaleData(Runtime.Version.parse("20.0.2")));
        assertFalse(DaemonJvm.hasCompatLocaleData(Runtime.Version.parse("21")));
        assertFalse(DaemonJvm.hasCompatLocaleData(Runtime.Version.parse("25")));
    }

    @Test
    void nativeAccessIsGrantedWhereTheOptionIsStandard() {
        assertFalse(DaemonJvm.grantsNativeAccess(Runtime.Version.parse("17.0.15+6")));
        assertFalse(DaemonJvm.grantsNativeAccess(Runtime.Version.parse("21.0.5")));
        assertTrue(DaemonJvm.grantsNativeAccess(Runtime.Version.parse("22")));
        assertTrue(DaemonJvm.grantsNativeAccess(Runtime.Version.parse("25.0.3+9-LTS")));
    }

    @Test
    void theBaseOptionsFollowThisJava() {
        assertEquals(DaemonJvm.trimsNativeHeap(Runtime.version()),
                DaemonJvm.baseOptions().contains("-XX:TrimNativeHeapInterval=5000"));
        assertEquals(DaemonJvm.hasCompatLocaleData(Runtime.version()),
                DaemonJvm.baseOptions().containsAll(DaemonJvm.LOCALE_DATA));
        assertEquals(DaemonJvm.grantsNativeAccess(Runtime.version()),
                DaemonJvm.baseOptions().containsAll(DaemonJvm.NATIVE_ACCESS));
        assertTrue(DaemonJvm.baseOptions().containsAll(DaemonJvm.OPTIONS));
    }

    @Test
    void theEnvironmentAddsOnlyWhatTheUserDidNotSet() {
        assertEquals(Map.of("MALLOC_ARENA_MAX", "2"), DaemonJvm.environment(Map.of("PATH", "/bin")));
        assertEquals(Map.of(), DaemonJvm.environment(Map.of("MALLOC_ARENA_MAX", "8")));
    }
}
