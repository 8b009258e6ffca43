package dev.rawsock;

import dev.rawsock.packet.BpfProgram;
import org.junit.jupiter.api.Test;

import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tests run on the class path; this one loads the built classes as the two named modules they
 * declare (dev.rawsock requiring dev.rawsock.packet), grants native access to dev.rawsock alone, and
 * makes a real call through them, so the module descriptors are exercised, not just compiled.
 */
class ModuleDescriptorsTest {
    static Path location(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @Test
    void coreAndPacketWorkAsNamedModules() throws Throwable {
        ModuleFinder finder = ModuleFinder.of(location(Rawsock.class), location(BpfProgram.class));
        ModuleLayer boot = ModuleLayer.boot();
        Configuration cf = boot.configuration().resolve(finder, ModuleFinder.of(), Set.of("dev.rawsock"));
        ModuleLayer.Controller controller = ModuleLayer.defineModulesWithOneLoader(cf, java.util.List.of(boot),
                ClassLoader.getPlatformClassLoader());
        ModuleLayer layer = controller.layer();
        Module core = layer.findModule("dev.rawsock").orElseThrow();
        Module packet = layer.findModule("dev.rawsock.packet").orElseThrow();
        controller.enableNativeAccess(core);

        assertTrue(core.canRead(packet), "dev.rawsock requires dev.rawsock.packet");
        assertEquals(Set.of("dev.rawsock", "dev.rawsock.capture", "dev.rawsock.netlink"), exported(core));
        assertFalse(core.isExported("dev.rawsock.internal"), "the bindings stay inside");
        assertEquals(Set.of("dev.rawsock.packet"), exported(packet));
        assertTrue(packet.isExported("dev.rawsock.packet.internal", core), "the address helper is core's");
        assertFalse(packet.isNativeAccessEnabled());

        // a real system call through the module-path classes: socketpair, send, recv
        Class<?> rawsock = Class.forName("dev.rawsock.Rawsock", true, layer.findLoader("dev.rawsock"));
        assertEquals(core, rawsock.getModule());
        Class<?> domain = Class.forName("dev.rawsock.Domain", true, rawsock.getClassLoader());
        Class<?> type = Class.forName("dev.rawsock.SocketType", true, rawsock.getClassLoader());
        Class<?> flag = Class.forName("dev.rawsock.MsgFlag", true, rawsock.getClassLoader());
        Object unix = domain.getField("UNIX").get(null), dgram = type.getField("DGRAM").get(null);
        int[] pair = (int[]) rawsock.getMethod("socketpair", domain, type).invoke(null, unix, dgram);
        Method send = rawsock.getMethod("send", int.class, byte[].class, flag.arrayType());
        Method recv = rawsock.getMethod("recv", int.class, byte[].class, flag.arrayType());
        Method close = rawsock.getMethod("sockClose", int.class);
        try {
            Object noFlags = java.lang.reflect.Array.newInstance(flag, 0);
            assertEquals(3, send.invoke(null, pair[0], new byte[] {1, 2, 3}, noFlags));
            byte[] got = new byte[8];
            assertEquals(3, recv.invoke(null, pair[1], got, noFlags));
            assertArrayEquals(new byte[] {1, 2, 3}, java.util.Arrays.copyOf(got, 3));
        } finally {
            close.invoke(null, pair[0]);
            close.invoke(null, pair[1]);
        }
    }

    static Set<String> exported(Module m) {
        return m.getDescriptor().exports().stream().filter(e -> !e.isQualified())
                .map(java.lang.module.ModuleDescriptor.Exports::source).collect(java.util.stream.Collectors.toSet());
    }
}
