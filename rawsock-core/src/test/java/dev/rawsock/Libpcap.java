package dev.rawsock;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * libpcap's own filter compiler, the one tcpdump runs ({@code pcap_open_offline} of an empty file of
 * the link type, then {@code pcap_compile}, as {@code tcpdump -r file -dd} does),
 * called in-process so thousands of expressions compile in a second instead of a tcpdump process
 * each. Test code only: the reference the compiler is checked against, never used by it.
 * {@link BpfFilterLanguageTest} checks on a sample that it prints what {@code tcpdump -dd} prints.
 */
final class Libpcap {
    /** Debian's libpcap0.8 package (what tcpdump links); no -dev headers are needed. */
    static final Path LIBRARY = Path.of("/usr/lib/x86_64-linux-gnu/libpcap.so.0.8");

    private static final Linker LINKER = Linker.nativeLinker();
    private final Arena arena = Arena.ofShared();
    private final MethodHandle openOffline;
    private final MethodHandle compile;
    private final MethodHandle geterr;
    private final MethodHandle freecode;
    /** One handle per link type, each reading an empty pcap file of it, as {@code tcpdump -r} compiles. */
    private final java.util.Map<Integer, MemorySegment> handles = new java.util.HashMap<>();

    /** A compiled program ({@code code, jt, jf, k} per instruction) or libpcap's error. */
    record Result(int[][] program, String error) {
    }

    private Libpcap() {
        SymbolLookup lib = SymbolLookup.libraryLookup(LIBRARY, arena);
        openOffline = LINKER.downcallHandle(lib.find("pcap_open_offline").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        compile = LINKER.downcallHandle(lib.find("pcap_compile").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        geterr = LINKER.downcallHandle(lib.find("pcap_geterr").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS.withTargetLayout(MemoryLayout.sequenceLayout(256,
                        ValueLayout.JAVA_BYTE)), ValueLayout.ADDRESS));
        freecode = LINKER.downcallHandle(lib.find("pcap_freecode").orElseThrow(), FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
    }

    /** A handle on an empty little-endian pcap file of the link type, made once. */
    private MemorySegment handle(int linkType) throws Throwable {
        MemorySegment h = handles.get(linkType);
        if (h == null) {
            Path file = Files.createTempFile("rs-libpcap-" + linkType + "-", ".pcap");
            java.nio.ByteBuffer hdr = java.nio.ByteBuffer.allocate(24).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            hdr.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(262144).putInt(linkType);
            Files.write(file, hdr.array());
            MemorySegment errbuf = arena.allocate(512);
            h = (MemorySegment) openOffline.invokeExact(arena.allocateFrom(file.toString()), errbuf);
            Files.delete(file); // the handle has read the header; nothing more is read
            if (h.equals(MemorySegment.NULL)) {
                throw new AssertionError("pcap_open_offline: " + errbuf.getString(0));
            }
            handles.put(linkType, h);
        }
        return h;
    }

    /** {@return libpcap, or null where its library is not installed} */
    static Libpcap load() {
        return Files.isReadable(LIBRARY) ? new Libpcap() : null;
    }

    /** Compiles as {@code tcpdump -r <file of linkType> [-O] -dd} does; netmask 0xffffffff is "unknown". */
    synchronized Result compile(String expr, int linkType, boolean optimize, int netmask) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment pcap = handle(linkType);
            {
                MemorySegment prog = a.allocate(16, 8); // struct bpf_program { u_int bf_len; struct bpf_insn *bf_insns; }
                int rc = (int) compile.invokeExact(pcap, prog, a.allocateFrom(expr), optimize ? 1 : 0, netmask);
                if (rc != 0) {
                    MemorySegment err = (MemorySegment) geterr.invokeExact(pcap);
                    return new Result(null, err.getString(0));
                }
                int len = prog.get(ValueLayout.JAVA_INT, 0);
                MemorySegment insns = prog.get(ValueLayout.ADDRESS, 8).reinterpret(8L * len);
                List<int[]> out = new ArrayList<>();
                for (int i = 0; i < len; i++) {
                    out.add(new int[] {insns.get(ValueLayout.JAVA_SHORT, 8L * i) & 0xffff,
                        insns.get(ValueLayout.JAVA_BYTE, 8L * i + 2) & 0xff, insns.get(ValueLayout.JAVA_BYTE, 8L * i + 3) & 0xff,
                        insns.get(ValueLayout.JAVA_INT, 8L * i + 4)});
                }
                freecode.invokeExact(prog);
                return new Result(out.toArray(int[][]::new), null);
            }
        } catch (Throwable t) {
            throw new AssertionError("calling libpcap", t);
        }
    }
}
