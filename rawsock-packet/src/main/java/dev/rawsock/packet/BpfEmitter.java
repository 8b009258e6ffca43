package dev.rawsock.packet;

import static dev.rawsock.packet.BpfProgram.ABS;
import static dev.rawsock.packet.BpfProgram.ADD;
import static dev.rawsock.packet.BpfProgram.ALU;
import static dev.rawsock.packet.BpfProgram.AND;
import static dev.rawsock.packet.BpfProgram.B;
import static dev.rawsock.packet.BpfProgram.H;
import static dev.rawsock.packet.BpfProgram.IMM;
import static dev.rawsock.packet.BpfProgram.IND;
import static dev.rawsock.packet.BpfProgram.JA;
import static dev.rawsock.packet.BpfProgram.JEQ;
import static dev.rawsock.packet.BpfProgram.JMP;
import static dev.rawsock.packet.BpfProgram.K;
import static dev.rawsock.packet.BpfProgram.LD;
import static dev.rawsock.packet.BpfProgram.LDX;
import static dev.rawsock.packet.BpfProgram.LEN;
import static dev.rawsock.packet.BpfProgram.LSH;
import static dev.rawsock.packet.BpfProgram.MEM;
import static dev.rawsock.packet.BpfProgram.MISC;
import static dev.rawsock.packet.BpfProgram.MSH;
import static dev.rawsock.packet.BpfProgram.NEG;
import static dev.rawsock.packet.BpfProgram.RET;
import static dev.rawsock.packet.BpfProgram.ST;
import static dev.rawsock.packet.BpfProgram.TAX;
import static dev.rawsock.packet.BpfProgram.W;
import static dev.rawsock.packet.BpfProgram.X;

import dev.rawsock.packet.BpfIr.Anc;
import dev.rawsock.packet.BpfIr.AndN;
import dev.rawsock.packet.BpfIr.Bin;
import dev.rawsock.packet.BpfIr.Bool;
import dev.rawsock.packet.BpfIr.Load;
import dev.rawsock.packet.BpfIr.Neg;
import dev.rawsock.packet.BpfIr.Node;
import dev.rawsock.packet.BpfIr.NotN;
import dev.rawsock.packet.BpfIr.Num;
import dev.rawsock.packet.BpfIr.OrN;
import dev.rawsock.packet.BpfIr.PktLen;
import dev.rawsock.packet.BpfIr.Prefixed;
import dev.rawsock.packet.BpfIr.Test;
import dev.rawsock.packet.BpfIr.VlanTci;
import dev.rawsock.packet.BpfIr.Ar;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lays a lowered filter ({@link BpfIr}) out as classic BPF: short-circuit jumps to an accept and a
 * reject return, arithmetic through the scratch words, far jumps through {@code ja}.
 */
final class BpfEmitter {
    private static final class Label {
    }

    /** An instruction whose jump targets are labels until layout. */
    private static final class Ins {
        final int code;
        final int k;
        Label t;
        Label f;
        /** Set for code laid out already (protochain): emitted as it is, its relative jumps untouched. */
        BpfInstruction raw;

        Ins(int code, int k, Label t, Label f) {
            this.code = code;
            this.k = k;
            this.t = t;
            this.f = f;
        }
    }

    private final String src;
    private final List<Ins> code = new ArrayList<>();
    private final Map<Label, Ins> bound = new IdentityHashMap<>();
    private final List<Label> pending = new ArrayList<>();

    /** Whether offsets vary at run time: then M[0], M[1] hold them and expressions use the words above. */
    private final boolean variable;
    private final int scratchBase;

    /** What an accepting program returns: how many bytes of the packet to keep. */
    private final int snaplen;

    /** How many scratch words hold run-time offsets: 0, 2 (LINKPL, LINKTYPE), 3 more per geneve or vxlan. */
    private final int offsetWords;

    BpfEmitter(String src, int offsetWords, int snaplen) {
        this.src = src;
        this.variable = offsetWords > 0;
        this.offsetWords = offsetWords;
        this.scratchBase = offsetWords;
        this.snaplen = snaplen;
    }

    List<BpfInstruction> generate(Node tree) {
        // Every leaf takes at least one instruction: refuse a huge tree before recursing over it.
        int leaves = 0;
        java.util.ArrayDeque<Node> todo = new java.util.ArrayDeque<>(List.of(tree));
        while (!todo.isEmpty()) {
            switch (todo.pop()) {
                case AndN a -> {
                    todo.push(a.a());
                    todo.push(a.b());
                }
                case OrN o -> {
                    todo.push(o.a());
                    todo.push(o.b());
                }
                case NotN x -> todo.push(x.a());
                case Prefixed x -> {
                    leaves += x.stmts().size();
                    todo.push(x.n());
                }
                case Test t -> leaves++;
                case BpfIr.Chain c -> leaves += c.code().size() + 1;
                case Bool b -> leaves++;
            }
            if (leaves > BpfProgram.MAX_INSTRUCTIONS) {
                throw new IllegalArgumentException("bad pcap filter \"" + BpfLexer.abbreviate(src) + "\": it compiles to more"
                        + " than the kernel's " + BpfProgram.MAX_INSTRUCTIONS + " instructions");
            }
        }
        if (tree instanceof Bool b) {
            return List.of(BpfInstruction.stmt(RET | K, b.value() ? snaplen : 0));
        }
        Label accept = new Label();
        Label reject = new Label();
        if (variable) {
            // libpcap's insert_compute_vloffsets: the run-time offsets start at 0 on every path
            // (the kernel also refuses a program that may read scratch memory before writing it).
            emit(LD | IMM, 0);
            for (int reg = 0; reg < offsetWords; reg++) {
                emit(ST, reg);
            }
        }
        gen(tree, accept, reject);
        bind(accept);
        emit(RET | K, snaplen);
        bind(reject);
        emit(RET | K, 0);
        return layout();
    }

    private void bind(Label l) {
        pending.add(l);
    }

    private Ins emit(int op, int k) {
        return emit(op, k, null, null);
    }

    private Ins emit(int op, int k, Label t, Label f) {
        Ins in = new Ins(op, k, t, f);
        for (Label l : pending) {
            bound.put(l, in);
        }
        pending.clear();
        code.add(in);
        return in;
    }

    private void gen(Node n, Label t, Label f) {
        switch (n) {
            case AndN a -> {
                Label mid = new Label();
                gen(a.a(), mid, f);
                bind(mid);
                gen(a.b(), t, f);
            }
            case OrN o -> {
                Label mid = new Label();
                gen(o.a(), t, mid);
                bind(mid);
                gen(o.b(), t, f);
            }
            case NotN x -> gen(x.a(), f, t);
            case Bool b -> emit(JMP | JA, 0, b.value() ? t : f, null);
            case Prefixed p -> {
                for (BpfInstruction in : p.stmts()) {
                    emit(in.code(), in.k()).raw = in; // forward jumps inside it stay as laid out
                }
                gen(p.n(), t, f);
            }
            case BpfIr.Chain c -> {
                for (BpfInstruction in : c.code()) {
                    emit(in.code(), in.k()).raw = in; // its jumps stay as laid out: the code is emitted whole
                }
                emit(JMP | JEQ | K, c.value(), t, f);
            }
            case Test test -> {
                int d = scratchBase;
                if (test.rhs() instanceof Num k) {
                    arith(test.lhs(), d);
                    emit(JMP | test.jop() | K, k.value(), t, f);
                } else if (test.rhs() instanceof BpfIr.Mem m) {
                    // A run-time offset compared with another (a tunnel's inner Ethernet header): no
                    // temporary, so five nested tunnels leave the scratch words they need.
                    arith(test.lhs(), d);
                    emit(LDX | MEM, m.reg());
                    emit(JMP | test.jop() | X, 0, t, f);
                } else {
                    arith(test.rhs(), d);
                    scratch(d);
                    emit(ST, d);
                    arith(test.lhs(), d + 1);
                    emit(LDX | MEM, d);
                    emit(JMP | test.jop() | X, 0, t, f);
                }
            }
        }
    }

    /** Refuses a temporary in scratch word {@code depth} when there is no such word. */
    private void scratch(int depth) {
        if (depth >= BpfProgram.MEMORY_WORDS) {
            throw new IllegalArgumentException("bad pcap filter \"" + BpfLexer.abbreviate(src)
                    + "\": expression too complex for the 16 words of BPF scratch memory");
        }
    }

    /** Code that leaves the value of e in A, using scratch words from {@code depth} up. */
    private void arith(Ar e, int depth) {
        switch (e) {
            case Num n -> emit(LD | IMM, n.value());
            case PktLen p -> emit(LD | W | LEN, 0);
            case Neg n -> {
                arith(n.e(), depth);
                emit(ALU | NEG, 0);
            }
            case Bin b -> {
                if (b.right() instanceof Num n) {
                    arith(b.left(), depth);
                    emit(ALU | b.op() | K, n.value());
                } else {
                    arith(b.right(), depth);
                    scratch(depth);
                    emit(ST, depth);
                    arith(b.left(), depth + 1);
                    emit(LDX | MEM, depth);
                    emit(ALU | b.op() | X, 0);
                }
            }
            case Anc a -> emit(LD | a.size() | ABS, BpfProgram.SKF_AD_OFF + a.which());
            case BpfIr.Mem m -> emit(LD | MEM, m.reg());
            case VlanTci v -> {
                // libpcap's gen_vlan_patch_vid_test: the TCI from the metadata if the tag is there, else
                // from the packet; the caller's "and #0xfff" follows either way.
                Label meta = new Label();
                Label inPacket = new Label();
                Label done = new Label();
                emit(LD | B | ABS, BpfProgram.SKF_AD_OFF + BpfProgram.SKF_AD_VLAN_TAG_PRESENT);
                emit(JMP | JEQ | K, 1, meta, inPacket);
                bind(meta);
                emit(LD | H | ABS, BpfProgram.SKF_AD_OFF + BpfProgram.SKF_AD_VLAN_TAG);
                emit(JMP | JA, 0, done, null);
                bind(inPacket);
                emit(LD | H | ABS, v.inPacket());
                bind(done);
            }
            case Load l when l.var() >= 0 -> varLoad(l, depth);
            case Load l -> {
                if (l.idx() instanceof Num n) {
                    if (l.msh() >= 0) {
                        emit(LDX | B | MSH, l.msh());
                        emit(LD | l.size() | IND, l.base() + n.value());
                    } else {
                        emit(LD | l.size() | ABS, l.base() + n.value());
                    }
                } else {
                    arith(l.idx(), depth);
                    if (l.msh() >= 0) {
                        emit(LDX | B | MSH, l.msh());
                        emit(ALU | ADD | X, 0);
                    }
                    emit(MISC | TAX, 0);
                    emit(LD | l.size() | IND, l.base());
                }
            }
        }
    }

    /**
     * A load whose offset has a run-time part in M[var] (libpcap's variable-offset loads):
     * X = M[var] (+ the IPv4 header length read there, for transport loads) (+ the index), then
     * {@code ld [x + base]}.
     */
    private void varLoad(Load l, int depth) {
        boolean constIdx = l.idx() instanceof Num;
        int k = l.base() + (constIdx ? ((Num) l.idx()).value() : 0);
        if (!constIdx) {
            arith(l.idx(), depth);
            if (l.msh() >= 0) {
                scratch(depth);
                emit(ST, depth);
            }
        }
        emit(LDX | MEM, l.var());
        if (l.msh() >= 0) {
            emit(LD | B | IND, l.msh());
            emit(ALU | AND | K, 0xf);
            emit(ALU | LSH | K, 2);
            emit(ALU | ADD | X, 0);
            emit(MISC | TAX, 0);
            if (!constIdx) {
                emit(LD | MEM, depth);
                emit(ALU | ADD | X, 0);
                emit(MISC | TAX, 0);
            }
        } else if (!constIdx) {
            emit(ALU | ADD | X, 0);
            emit(MISC | TAX, 0);
        }
        emit(LD | l.size() | IND, k);
    }

    private void tooLarge() {
        if (code.size() > BpfProgram.MAX_INSTRUCTIONS) {
            throw new IllegalArgumentException("bad pcap filter \"" + BpfLexer.abbreviate(src) + "\": it compiles to " + code.size()
                    + " instructions, more than the kernel's " + BpfProgram.MAX_INSTRUCTIONS);
        }
    }

    /**
     * Resolves labels to offsets. A conditional jump reaches at most 255 instructions ahead; a
     * longer one goes through an unconditional {@code ja} (32-bit offset) inserted right after
     * it, as libpcap does; repeated until everything fits.
     */
    private List<BpfInstruction> layout() {
        tooLarge();
        while (true) {
            Map<Ins, Integer> index = new IdentityHashMap<>();
            for (int i = 0; i < code.size(); i++) {
                index.put(code.get(i), i);
            }
            boolean changed = false;
            for (int i = 0; i < code.size() && !changed; i++) {
                Ins in = code.get(i);
                if ((in.code & 0x07) != JMP || in.code == (JMP | JA) || in.raw != null) {
                    continue;
                }
                int dt = index.get(bound.get(in.t)) - i - 1;
                int df = index.get(bound.get(in.f)) - i - 1;
                int at = i + 1;
                if (dt > 255) {
                    Label l = new Label();
                    Ins ja = new Ins(JMP | JA, 0, in.t, null);
                    bound.put(l, ja);
                    code.add(at++, ja);
                    in.t = l;
                    changed = true;
                }
                if (df > 255) {
                    Label l = new Label();
                    Ins ja = new Ins(JMP | JA, 0, in.f, null);
                    bound.put(l, ja);
                    code.add(at, ja);
                    in.f = l;
                    changed = true;
                }
            }
            if (changed) {
                continue;
            }
            tooLarge();
            List<BpfInstruction> out = new ArrayList<>(code.size());
            for (int i = 0; i < code.size(); i++) {
                Ins in = code.get(i);
                if (in.raw != null) {
                    out.add(in.raw);
                } else if (in.code == (JMP | JA)) {
                    out.add(BpfInstruction.stmt(in.code, index.get(bound.get(in.t)) - i - 1));
                } else if ((in.code & 0x07) == JMP) {
                    out.add(BpfInstruction.jump(in.code, in.k, index.get(bound.get(in.t)) - i - 1,
                            index.get(bound.get(in.f)) - i - 1));
                } else {
                    out.add(BpfInstruction.stmt(in.code, in.k));
                }
            }
            return out;
        }
    }
}
