package dev.rawsock.packet;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The pcap-filter compiler behind {@link BpfProgram#compile}, in libpcap's stages: {@link BpfLexer}
 * (scanner.l), {@link BpfParser} (grammar.y) into a {@link BpfAst}, {@link BpfCodegen} with
 * {@link BpfNetGen} and {@link BpfTransportGen} (gencode.c) into {@link BpfIr}, and
 * {@link BpfEmitter} laying that out as instructions.
 *
 * <p>Semantics follow libpcap 1.10 (gencode.c) for {@code DLT_EN10MB}: which protocols a bare
 * {@code host} covers (IPv4, ARP, RARP), that ports are read only from the first IPv4 fragment
 * through a variable IHL, that IPv6 protocol tests look through one fragment header but port tests
 * do not, that {@code vlan} shifts every later network-layer offset by 4 in parse order, that
 * {@code and}/{@code or} share a precedence. Other link types change where the network layer
 * starts and how its protocol is told ({@link BpfCodegen}).
 */
final class BpfCompiler {

    private BpfCompiler() {
    }

    static List<BpfInstruction> compile(String filter, int linkType, BpfProgram.Options options) {
        if (filter == null) {
            throw new IllegalArgumentException("filter is null");
        }
        BpfCodegen gen = new BpfCodegen(linkType, options);
        List<BpfLexer.Tok> toks;
        try {
            toks = BpfLexer.lex(filter);
        } catch (BpfLexer.FilterError e) {
            throw e.toIae(filter);
        }
        List<BpfInstruction> program;
        try {
            BpfAst tree = new BpfParser(filter, toks, options.ethers()).parseAll();
            checkSize(filter, tree);
            BpfIr.Node lowered;
            try {
                lowered = gen.wlan.finish(gen.lower(tree), tree instanceof BpfAst.True);
            } catch (BpfLexer.FilterError e) {
                throw e.toIae(filter);
            }
            program = new BpfEmitter(filter, gen.offsetWords(), options.snaplen()).generate(lowered);
        } catch (StackOverflowError e) {
            // Recursive descent over a filter nested thousands deep: a bad filter, not a broken JVM.
            throw new IllegalArgumentException("bad pcap filter: nested too deeply to compile (" + filter.length()
                    + " characters)");
        }
        return options.optimize() ? optimize(program) : program;
    }

    /** {@link BpfOptimizer}: a pass over the laid-out program that keeps every verdict, also on a packet cut short. */
    static List<BpfInstruction> optimize(List<BpfInstruction> program) {
        // protochain's header loop jumps backward (run in user space only); the optimizer's data flow
        // assumes classic BPF's forward-only graph, so such a program is kept as generated.
        if (program.stream().anyMatch(in -> in.code() == (BpfProgram.JMP | BpfProgram.JA) && in.k() < 0)) {
            return program;
        }
        return BpfOptimizer.optimize(program);
    }

    /** Every primitive takes at least one instruction: refuse a huge tree before recursing over it. */
    private static void checkSize(String filter, BpfAst tree) {
        int leaves = 0;
        ArrayDeque<BpfAst> todo = new ArrayDeque<>(List.of(tree));
        while (!todo.isEmpty()) {
            switch (todo.pop()) {
                case BpfAst.And a -> {
                    todo.push(a.a());
                    todo.push(a.b());
                }
                case BpfAst.Or o -> {
                    todo.push(o.a());
                    todo.push(o.b());
                }
                case BpfAst.Not x -> todo.push(x.a());
                default -> leaves++;
            }
            if (leaves > BpfProgram.MAX_INSTRUCTIONS) {
                throw new IllegalArgumentException("bad pcap filter \"" + BpfLexer.abbreviate(filter)
                        + "\": it compiles to more than the kernel's " + BpfProgram.MAX_INSTRUCTIONS + " instructions");
            }
        }
    }
}
