package dev.rawsock.packet;

import org.junit.jupiter.api.Test;

import java.lang.module.ModuleDescriptor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The packet module runs as what it claims to be: a named module that needs no native access. */
class ModuleTest {
    @Test
    void namedModuleWithoutNativeAccess() {
        Module m = BpfProgram.class.getModule();
        assertEquals("dev.rawsock.packet", m.getName(), "tests run on the module path");
        assertFalse(m.isNativeAccessEnabled(), "this module's tests must run without --enable-native-access");
        assertEquals(java.util.Set.of("dev.rawsock.packet"), m.getDescriptor().exports().stream()
                .filter(e -> !e.isQualified()).map(ModuleDescriptor.Exports::source).collect(java.util.stream.Collectors.toSet()));
    }
}
