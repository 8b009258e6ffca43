package dev.rawsock.packet;

import static dev.rawsock.packet.BpfProgram.A;
import static dev.rawsock.packet.BpfProgram.ADD;
import static dev.rawsock.packet.BpfProgram.ALU;
import static dev.rawsock.packet.BpfProgram.AND;
import static dev.rawsock.packet.BpfProgram.B;
import static dev.rawsock.packet.BpfProgram.DIV;
import static dev.rawsock.packet.BpfProgram.H;
import static dev.rawsock.packet.BpfProgram.IMM;
import static dev.rawsock.packet.BpfProgram.IND;
import static dev.rawsock.packet.BpfProgram.JA;
import static dev.rawsock.packet.BpfProgram.JEQ;
import static dev.rawsock.packet.BpfProgram.JGE;
import static dev.rawsock.packet.BpfProgram.JGT;
import static dev.rawsock.packet.BpfProgram.JMP;
import static dev.rawsock.packet.BpfProgram.JSET;
import static dev.rawsock.packet.BpfProgram.K;
import static dev.rawsock.packet.BpfProgram.LD;
import static dev.rawsock.packet.BpfProgram.LDX;
import static dev.rawsock.packet.BpfProgram.LEN;
import static dev.rawsock.packet.BpfProgram.LSH;
import static dev.rawsock.packet.BpfProgram.MEM;
import static dev.rawsock.packet.BpfProgram.MISC;
import static dev.rawsock.packet.BpfProgram.MOD;
import static dev.rawsock.packet.BpfProgram.MSH;
import static dev.rawsock.packet.BpfProgram.MUL;
import static dev.rawsock.packet.BpfProgram.NEG;
import static dev.rawsock.packet.BpfProgram.OR;
import static dev.rawsock.packet.BpfProgram.RET;
import static dev.rawsock.packet.BpfProgram.RSH;
import static dev.rawsock.packet.BpfProgram.ST;
import static dev.rawsock.packet.BpfProgram.STX;
import static dev.rawsock.packet.BpfProgram.SUB;
import static dev.rawsock.packet.BpfProgram.TAX;
import static dev.rawsock.packet.BpfProgram.TXA;
import static dev.rawsock.packet.BpfProgram.W;
import static dev.rawsock.packet.BpfProgram.X;
import static dev.rawsock.packet.BpfProgram.XOR;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The optimizer behind {@link BpfProgram#compile}: what libpcap's optimize.c does to a classic BPF
 * program, as a pass over the instruction list. The program is cut into basic blocks; then, until
 * nothing changes, value numbering (a packet load, an ALU result or a constant gets one number
 * wherever it is computed) with facts learnt from the branches taken (a value equals, differs from,
 * is above or below a constant, has bits set or clear) lets it fold constants, decide branches,
 * thread jumps past blocks whose outcome the path already knows, drop loads whose value a register
 * already holds, drop statements whose result nobody reads, merge identical blocks (common tails)
 * and fuse {@code and #m; jeq #0} into {@code jset #m}.
 *
 * <p>Unlike libpcap's, this optimizer keeps the verdict on every packet, also one cut short: a packet
 * load rejects the packet when it reads past the captured bytes, so a load is only dropped or skipped
 * where the same path has already read at least that far (or made the same load), and a division by
 * X only where X is known to be non-zero.
 *
 * <p>Asked to fold as libpcap does ({@code shortPacketVerdicts} false), it treats a packet load as
 * one that cannot fail, as libpcap's optimizer does: a load whose value nothing needs goes, and with
 * it what only a short packet's rejection depended on. A packet long enough for every load of the
 * input program gets the same verdict from both: each path of the output makes a subset of the loads
 * of the input's path for the same packet, so where the input reads nothing past the end, the output
 * does not either.
 */
final class BpfOptimizer {

    private BpfOptimizer() {
    }

    /** Rounds of rewriting before giving up on a fixpoint: each round shrinks the program or stops. */
    private static final int MAX_ROUNDS = 200;
    /** Blocks one jump-threading attempt may look at: enough for a chain of address words both ways. */
    private static final int THREAD_BUDGET = 256;
    /**
     * Blocks all jump threading of one program may look at, so that compiling a filter of thousands
     * of instructions takes a bounded time; past it the program is optimized less, never wrongly.
     */
    private static final long WORK_BUDGET = 300_000;
    /** Registers as bits of a liveness set: A, X, then the 16 scratch words. */
    private static final int R_A = 0, R_X = 1, R_M = 2, REGS = 2 + BpfProgram.MEMORY_WORDS;
    /** Terminator kinds of a block. */
    private static final int T_RET = 0, T_GOTO = 1, T_COND = 2;

    /**
     * {@return an equivalent program no longer than {@code prog}: the same value for every packet,
     * metadata and captured length}
     *
     * @param prog a program that passes {@link BpfProgram#verify}
     */
    static List<BpfInstruction> optimize(List<BpfInstruction> prog) {
        return optimize(prog, true);
    }

    /**
     * {@return a program no longer than {@code prog}, the same value for every packet if
     * {@code shortPacketVerdicts}, else for every packet long enough for each load {@code prog}
     * makes on it}
     *
     * @param prog                a program that passes {@link BpfProgram#verify}
     * @param shortPacketVerdicts false to fold as libpcap does, as if packet loads could not fail
     */
    static List<BpfInstruction> optimize(List<BpfInstruction> prog, boolean shortPacketVerdicts) {
        Cfg g = Cfg.build(prog);
        g.loadsFail = shortPacketVerdicts;
        // One analysis per round: the first rewrite that changes something ends the round, as the
        // next one needs facts about the program as it is now.
        for (int round = 0; round < MAX_ROUNDS; round++) {
            g.simplify();
            g.analyze();
            boolean changed = g.foldBranches() || g.thread() || g.rewriteStatements() || g.removeDead(false)
                    || g.removeDead(true) || (!shortPacketVerdicts && g.pullUp());
            if (!changed) {
                break;
            }
        }
        List<BpfInstruction> out = g.layout();
        return out.size() <= prog.size() ? out : prog;
    }

    // ------------------------------------------------------------------------------------------
    // Blocks

    static final class Block {
        /** Where the block started in the input: ordering by it keeps every jump forward. */
        final int id;
        final List<BpfInstruction> stmts = new ArrayList<>();
        int term;
        /** The terminator's opcode and operand: a return or a conditional jump. */
        int code;
        int k;
        Block jt;
        Block jf;
        // Analysis results, valid for one round.
        State in;
        State out;
        int liveIn;
        int liveOut;
        /**
         * The packet length every path from the block's start to an accepting return proves by a
         * load (the least over those paths of the furthest absolute load on each); a path that
         * rejects proves everything.
         */
        long antIn;
        int preds;

        Block(int id) {
            this.id = id;
        }

        /** A key equal for blocks that do the same thing and go to the same places. */
        List<Object> shape() {
            // A terminator's fields it does not use may hold what it was before a rewrite.
            return switch (term) {
                case T_RET -> List.of(stmts, term, code, k);
                case T_GOTO -> List.of(stmts, term, jt.id);
                default -> List.of(stmts, term, code, k, jt.id, jf.id);
            };
        }
    }

    static final class Cfg {
        Block entry;
        List<Block> blocks = new ArrayList<>();
        final Values values = new Values();
        /** What is left of {@link #WORK_BUDGET}. */
        long work = WORK_BUDGET;
        /** Whether a packet load past the captured bytes ends the program for this optimization. */
        boolean loadsFail = true;
        /** While looking for a rejecting return to thread to: any statement may be skipped. */
        private boolean failing;

        static Cfg build(List<BpfInstruction> prog) {
            int n = prog.size();
            boolean[] leader = new boolean[n + 1];
            leader[0] = true;
            for (int pc = 0; pc < n; pc++) {
                BpfInstruction in = prog.get(pc);
                int cls = in.code() & 0x07;
                if (cls == JMP) {
                    leader[pc + 1] = true;
                    if (in.code() == (JMP | JA)) {
                        leader[pc + 1 + in.k()] = true;
                    } else {
                        leader[pc + 1 + in.jt()] = true;
                        leader[pc + 1 + in.jf()] = true;
                    }
                } else if (cls == RET) {
                    leader[pc + 1] = true;
                }
            }
            Block[] at = new Block[n + 1];
            for (int pc = 0; pc < n; pc++) {
                if (leader[pc]) {
                    at[pc] = new Block(pc);
                }
            }
            Cfg g = new Cfg();
            Block cur = null;
            for (int pc = 0; pc < n; pc++) {
                if (leader[pc]) {
                    if (cur != null && cur.term == -1) {
                        cur.term = T_GOTO;
                        cur.jt = at[pc];
                    }
                    cur = at[pc];
                    cur.term = -1;
                    g.blocks.add(cur);
                }
                BpfInstruction in = prog.get(pc);
                int cls = in.code() & 0x07;
                if (in.code() == (JMP | JA)) {
                    cur.term = T_GOTO;
                    cur.jt = at[pc + 1 + in.k()];
                } else if (cls == JMP) {
                    cur.term = T_COND;
                    cur.code = in.code();
                    cur.k = in.k();
                    cur.jt = at[pc + 1 + in.jt()];
                    cur.jf = at[pc + 1 + in.jf()];
                } else if (cls == RET) {
                    cur.term = T_RET;
                    cur.code = in.code();
                    cur.k = in.k();
                } else {
                    cur.stmts.add(BpfInstruction.stmt(in.code(), in.k()));
                }
            }
            // An empty block in front, so that the first real block has an incoming edge to thread.
            Block start = new Block(-1);
            start.term = T_GOTO;
            start.jt = g.blocks.get(0);
            g.blocks.add(0, start);
            g.entry = start;
            return g;
        }

        // --------------------------------------------------------------------------------------
        // Structure: reachability, jumps to jumps, chains, common tails

        /**
         * Reachable blocks in a topological order, with predecessor counts: id order, but for a block
         * {@link #pullUp} moved in front of others, which comes right after what now leads to it.
         */
        private void reach() {
            Set<Block> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            ArrayList<Block> todo = new ArrayList<>(List.of(entry));
            seen.add(entry);
            List<Block> out = new ArrayList<>();
            while (!todo.isEmpty()) {
                Block b = todo.remove(todo.size() - 1);
                out.add(b);
                b.preds = 0;
                for (Block s : succs(b)) {
                    if (seen.add(s)) {
                        todo.add(s);
                    }
                }
            }
            for (Block b : out) {
                for (Block s : succs(b)) {
                    s.preds++;
                }
            }
            // Kahn's algorithm taking the lowest id ready: exactly id order while every edge goes to a
            // higher id, as in the input program.
            Map<Block, Integer> waiting = new IdentityHashMap<>();
            for (Block b : out) {
                waiting.put(b, b.preds);
            }
            java.util.PriorityQueue<Block> ready = new java.util.PriorityQueue<>(Comparator.comparingInt(b -> b.id));
            ready.add(entry);
            List<Block> order = new ArrayList<>(out.size());
            while (!ready.isEmpty()) {
                Block b = ready.poll();
                order.add(b);
                for (Block s : succs(b)) {
                    if (waiting.merge(s, -1, Integer::sum) == 0) {
                        ready.add(s);
                    }
                }
            }
            blocks = order;
        }

        private static List<Block> succs(Block b) {
            return switch (b.term) {
                case T_GOTO -> List.of(b.jt);
                case T_COND -> b.jt == b.jf ? List.of(b.jt) : List.of(b.jt, b.jf);
                default -> List.of();
            };
        }

        private static boolean rejects(Block b) {
            return b.term == T_RET && b.code == (RET | K) && b.k == 0;
        }

        /** Where a jump to {@code b} may go instead: past empty blocks that only jump on. */
        private static Block skipEmpty(Block b) {
            for (int i = 0; i < 4096 && b.term == T_GOTO && b.stmts.isEmpty(); i++) {
                b = b.jt;
            }
            return b;
        }

        boolean simplify() {
            boolean changed = false;
            boolean again = true;
            for (int guard = 0; again && guard < 1000; guard++) {
                again = false;
                reach();
                for (Block b : blocks) {
                    if (b.term == T_COND && b.jt == b.jf) {
                        // Both ways lead to the same place: a comparison has no effect.
                        b.term = T_GOTO;
                        again = true;
                    }
                    if (b.jt != null && skipEmpty(b.jt) != b.jt) {
                        b.jt = skipEmpty(b.jt);
                        again = true;
                    }
                    if (b.term == T_COND && skipEmpty(b.jf) != b.jf) {
                        b.jf = skipEmpty(b.jf);
                        again = true;
                    }
                    if (b.term == T_GOTO && b.jt.stmts.isEmpty() && b.jt.term == T_RET) {
                        // A jump to a bare return is as long as the return itself.
                        b.term = T_RET;
                        b.code = b.jt.code;
                        b.k = b.jt.k;
                        b.jt = null;
                        again = true;
                    }
                }
                // A block from which every path returns 0 is "ret #0": a load that falls off the
                // packet on the way would have returned 0 too.
                for (int i = blocks.size() - 1; i >= 0; i--) {
                    Block b = blocks.get(i);
                    if (b.term != T_RET
                            && succs(b).stream().allMatch(Cfg::rejects)) {
                        b.stmts.clear();
                        b.term = T_RET;
                        b.code = RET | K;
                        b.k = 0;
                        b.jt = null;
                        b.jf = null;
                        again = true;
                    } else if (b.term == T_RET && rejects(b) && !b.stmts.isEmpty()) {
                        b.stmts.clear();
                        again = true;
                    }
                }
                if (again) {
                    changed = true;
                    continue;
                }
                // A block reached only by falling or jumping from one other block joins it.
                Set<Block> absorbed = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
                for (Block b : blocks) {
                    while (b != entry && !absorbed.contains(b) && b.term == T_GOTO && b.jt.preds == 1) {
                        Block c = b.jt;
                        absorbed.add(c);
                        b.stmts.addAll(c.stmts);
                        b.term = c.term;
                        b.code = c.code;
                        b.k = c.k;
                        b.jt = c.jt;
                        b.jf = c.jf;
                        again = true;
                    }
                }
                if (again) {
                    changed = true;
                    continue;
                }
                // Common tails: identical blocks with identical successors become one (the last, so
                // that every jump to it still goes forward).
                Map<List<Object>, Block> shapes = new HashMap<>();
                Map<Block, Block> replace = new IdentityHashMap<>();
                for (int i = blocks.size() - 1; i >= 0; i--) {
                    Block b = blocks.get(i);
                    Block twin = shapes.putIfAbsent(b.shape(), b);
                    if (twin != null && b != entry) {
                        replace.put(b, twin);
                    }
                }
                if (!replace.isEmpty()) {
                    for (Block b : blocks) {
                        if (b.jt != null && replace.containsKey(b.jt)) {
                            b.jt = replace.get(b.jt);
                        }
                        if (b.jf != null && replace.containsKey(b.jf)) {
                            b.jf = replace.get(b.jf);
                        }
                    }
                    again = true;
                    changed = true;
                }
            }
            reach();
            return changed;
        }

        // --------------------------------------------------------------------------------------
        // Analysis: value numbers and facts forward, liveness backward

        Cfg analyze() {
            reach();
            values.clear();
            Map<Block, List<State>> incoming = new IdentityHashMap<>();
            for (Block b : blocks) {
                List<State> ins = incoming.remove(b);
                if (b == entry) {
                    b.in = State.entry(values);
                } else {
                    b.in = State.meet(ins, b, values);
                }
                State s = b.in.copy();
                for (BpfInstruction st : b.stmts) {
                    step(s, st);
                }
                b.out = s;
                if (b.term == T_GOTO) {
                    incoming.computeIfAbsent(b.jt, x -> new ArrayList<>()).add(s);
                } else if (b.term == T_COND) {
                    incoming.computeIfAbsent(b.jt, x -> new ArrayList<>()).add(edge(b, true));
                    incoming.computeIfAbsent(b.jf, x -> new ArrayList<>()).add(edge(b, false));
                }
            }
            for (int i = blocks.size() - 1; i >= 0; i--) {
                Block b = blocks.get(i);
                int live = 0;
                for (Block s : succs(b)) {
                    live |= s.liveIn;
                }
                b.liveOut = live;
                live |= termUses(b);
                for (int j = b.stmts.size() - 1; j >= 0; j--) {
                    BpfInstruction st = b.stmts.get(j);
                    live = (live & ~defs(st)) | uses(st);
                }
                b.liveIn = live;
                long ant = Long.MAX_VALUE;
                for (Block s : succs(b)) {
                    ant = Math.min(ant, s.antIn);
                }
                if (b.term == T_RET) {
                    ant = b.code == (RET | K) && b.k == 0 ? Long.MAX_VALUE : 0;
                }
                for (int j = b.stmts.size() - 1; j >= 0; j--) {
                    ant = Math.max(ant, loadEnd(b.stmts.get(j)));
                }
                b.antIn = ant;
            }
            return this;
        }

        /** How many bytes a packet load needs to succeed, whatever the registers; 0 if not such a load. */
        static long loadEnd(BpfInstruction st) {
            int code = st.code();
            int k = st.k();
            if (k < 0) {
                return 0;
            }
            if ((code & 0xe7) == (LD | ABS_)) {
                return (long) k + size(code);
            }
            return code == (LDX | B | MSH) ? (long) k + 1 : 0;
        }

        /** The state on the way out of {@code b} along its true or false branch. */
        State edge(Block b, boolean taken) {
            State s = b.out.copy();
            refineBy(s, b, b.out, taken);
            return s;
        }

        /** The branch {@code b} takes given the state {@code s} after its statements, or null if unknown. */
        Boolean decide(Block b, State s) {
            int a = s.reg[R_A];
            int op = b.code & 0xf0;
            if ((b.code & 0x08) == X) {
                int x = s.reg[R_X];
                if (values.isConst(x)) {
                    return s.decide(a, op, values.constant(x), values);
                }
                if (a == x) {
                    return switch (op) {
                        case JEQ, JGE -> true;
                        case JGT -> false;
                        default -> null;
                    };
                }
                return null;
            }
            return s.decide(a, op, Integer.toUnsignedLong(b.k), values);
        }

        /** Whether {@code st} cannot end the program in state {@code s} (a load inside the packet...). */
        boolean safe(State s, BpfInstruction st) {
            int code = st.code();
            int k = st.k();
            switch (code) {
                case LD | W | ABS_, LD | H | ABS_, LD | B | ABS_ -> {
                    int size = size(code);
                    if (k >= 0) {
                        return !loadsFail || (long) k + size <= s.knownLen;
                    }
                    return Chain.has(s.avail, values.anc(size, k));
                }
                case LD | W | IND, LD | H | IND, LD | B | IND -> {
                    int x = s.reg[R_X];
                    int size = size(code);
                    long at = indAt(x, k);
                    if (at >= 0) {
                        return !loadsFail || at + size <= s.knownLen;
                    }
                    if (!loadsFail) {
                        // Only a load that lands in the packet whatever X holds: one at a negative
                        // offset fails on a packet of any length.
                        Fact f = s.fact(x, values);
                        if (f.lo <= f.hi && k >= 0 && f.hi + k + size <= Integer.MAX_VALUE) {
                            return true;
                        }
                    }
                    return Chain.has(s.avail, values.key(Values.IND, size, x, k));
                }
                case LDX | B | MSH -> {
                    return k >= 0 && (!loadsFail || (long) k + 1 <= s.knownLen);
                }
                case ALU | DIV | X, ALU | MOD | X -> {
                    Fact f = s.fact(s.reg[R_X], values);
                    return f.lo > 0 || f.not().contains(0L);
                }
                default -> {
                    return true;
                }
            }
        }

        /** The absolute offset of {@code ld [x + k]} when X is a known constant and it lands in the packet, else -1. */
        long indAt(int x, int k) {
            if (!values.isConst(x)) {
                return -1;
            }
            int at = (int) values.constant(x) + k;
            return at >= 0 && at < (1 << 28) ? at : -1;
        }

        /** Runs one statement symbolically. */
        void step(State s, BpfInstruction st) {
            int code = st.code();
            int k = st.k();
            int[] r = s.reg;
            switch (code) {
                case LD | W | ABS_, LD | H | ABS_, LD | B | ABS_ -> r[R_A] = absLoad(s, size(code), k);
                case LD | W | IND, LD | H | IND, LD | B | IND -> {
                    int size = size(code);
                    long at = indAt(r[R_X], k);
                    if (at >= 0) {
                        r[R_A] = absLoad(s, size, (int) at);
                    } else {
                        int v = values.key(Values.IND, size, r[R_X], k);
                        s.avail = Chain.with(s.avail, v, null);
                        r[R_A] = v;
                    }
                }
                case LD | W | LEN -> r[R_A] = values.key(Values.LENGTH, 0, 0, 0);
                case LDX | W | LEN -> r[R_X] = values.key(Values.LENGTH, 0, 0, 0);
                case LD | IMM -> r[R_A] = values.constVn(Integer.toUnsignedLong(k));
                case LDX | IMM -> r[R_X] = values.constVn(Integer.toUnsignedLong(k));
                case LD | MEM -> r[R_A] = r[R_M + k];
                case LDX | MEM -> r[R_X] = r[R_M + k];
                case LDX | B | MSH -> {
                    s.knownLen = Math.max(s.knownLen, (long) k + 1);
                    r[R_X] = values.key(Values.MSH_, 0, 0, k);
                }
                case ST -> r[R_M + k] = r[R_A];
                case STX -> r[R_M + k] = r[R_X];
                case MISC | TAX -> r[R_X] = r[R_A];
                case MISC | TXA -> r[R_A] = r[R_X];
                case ALU | NEG -> r[R_A] = values.alu(NEG, r[R_A], values.constVn(0));
                default -> {
                    int op = code & 0xf0;
                    int rhs = (code & 0x08) == X ? r[R_X] : values.constVn(Integer.toUnsignedLong(k));
                    if ((op == DIV || op == MOD) && (code & 0x08) == X) {
                        // Past this point X was not zero (else the program ended).
                        s.refine(r[R_X], JEQ, 0, false, values);
                    }
                    r[R_A] = values.alu(op, r[R_A], rhs);
                }
            }
        }

        private int absLoad(State s, int size, int k) {
            if (k < 0) {
                if (k == BpfProgram.SKF_AD_OFF + BpfProgram.SKF_AD_RANDOM
                        || k == BpfProgram.SKF_AD_OFF + BpfProgram.SKF_AD_ALU_XOR_X) {
                    return values.fresh();
                }
                int v = values.anc(size, k);
                s.avail = Chain.with(s.avail, v, null);
                return v;
            }
            s.knownLen = Math.max(s.knownLen, (long) k + size);
            return values.key(Values.ABS, size, 0, k);
        }

        // --------------------------------------------------------------------------------------
        // Rewrites, one kind per round so that each sees a fresh analysis

        /** A conditional jump whose outcome the block's own entry state decides becomes a plain jump. */
        boolean foldBranches() {
            boolean changed = false;
            for (Block b : blocks) {
                if (b.term == T_COND) {
                    Boolean d = decide(b, b.out);
                    if (d != null) {
                        b.term = T_GOTO;
                        b.jt = d ? b.jt : b.jf;
                        b.jf = null;
                        changed = true;
                    }
                }
            }
            return changed;
        }

        /**
         * Jump threading: an edge into a block whose statements cannot fail, change nothing the
         * destination reads and whose branch the edge already decides goes straight to where that
         * branch leads.
         */
        boolean thread() {
            boolean changed = false;
            for (Block p : new ArrayList<>(blocks)) {
                if (p.term == T_GOTO) {
                    Block to = threadFrom(p.out, p.jt);
                    if (to != p.jt) {
                        p.jt = to;
                        changed = true;
                    }
                } else if (p.term == T_COND) {
                    Block t = threadFrom(edge(p, true), p.jt);
                    Block f = threadFrom(edge(p, false), p.jf);
                    if (t != p.jt || f != p.jf) {
                        p.jt = t;
                        p.jf = f;
                        changed = true;
                    }
                }
            }
            return changed;
        }

        private Block threadFrom(State s, Block target) {
            if (work <= 0) {
                return target;
            }
            // A path that surely ends rejecting may skip anything on the way: a statement that would
            // end the program (a load past the end, a division by zero) returns 0 as well.
            failing = true;
            Block end = exitOf(s, target, new int[] {THREAD_BUDGET}, null);
            failing = false;
            if (end != null && rejects(end)) {
                return end;
            }
            // Then allowing absolute loads that may fail, if the block reached proves as much
            // before any accept; then only loads that cannot fail.
            // need[1] caps the loads skipped: lowered to what the exit found proves, then tried again.
            long[] need = {0, Long.MAX_VALUE};
            for (int attempt = 0; attempt < 4; attempt++) {
                need[0] = 0;
                Block to = exitOf(s, target, new int[] {THREAD_BUDGET}, need);
                if (to == null) {
                    break;
                }
                long proven = need[0] == 0 ? 0 : antFrom(s, to, new int[] {THREAD_BUDGET});
                if (proven >= need[0]) {
                    return to;
                }
                need[1] = proven;
            }
            Block to = exitOf(s, target, new int[] {THREAD_BUDGET}, null);
            return to == null ? target : to;
        }

        /**
         * Where a path entering {@code b} in state {@code s} surely leaves the blocks it can skip:
         * the furthest block of {@link #passes}, or null if {@code b} cannot be skipped.
         */
        private Block exitOf(State s, Block b, int[] budget, long[] need) {
            List<Block> p = passes(s, b, budget, need);
            return p.isEmpty() ? null : p.get(p.size() - 1);
        }

        /**
         * The blocks a path entering {@code b} in state {@code s} surely reaches, in order, through
         * blocks it can skip only: it follows a branch the facts decide, and explores both ways of
         * one they do not, keeping the blocks both ways reach (the first place they meet, and what
         * follows it on both). Facts learnt inside the region only serve to decide branches inside
         * it; comparing where both ways meet, rather than how far each goes, lets a region be
         * skipped whose ways each thread on to different places. Empty if {@code b} cannot be
         * skipped: its statements could fail, or it changes something the block it leads to reads.
         */
        private List<Block> passes(State s, Block b, int[] budget, long[] need) {
            if (b.term == T_RET || --budget[0] < 0 || --work < 0) {
                return List.of();
            }
            State t = s.copy();
            for (BpfInstruction st : b.stmts) {
                if (!failing && !safe(t, st)) {
                    if (need == null || loadEnd(st) == 0 || loadEnd(st) > need[1]) {
                        return List.of();
                    }
                    need[0] = Math.max(need[0], loadEnd(st));
                }
                step(t, st);
            }
            if (b.term == T_GOTO) {
                return follow(s, t, b.jt, budget, need);
            }
            Boolean d = decide(b, t);
            if (d != null) {
                return follow(s, t, d ? b.jt : b.jf, budget, need);
            }
            State ts = s.copy();
            State fs = s.copy();
            refineBy(ts, b, t, true);
            refineBy(fs, b, t, false);
            List<Block> yes = follow(ts, t, b.jt, budget, need);
            if (yes.isEmpty()) {
                return yes;
            }
            List<Block> no = follow(fs, t, b.jf, budget, need);
            Set<Block> onNo = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            onNo.addAll(no);
            List<Block> both = new ArrayList<>();
            for (Block x : yes) {
                if (onNo.contains(x)) {
                    both.add(x);
                }
            }
            return both;
        }

        /**
         * {@link Block#antIn} for a path that enters {@code b} in state {@code s}: paths the facts
         * rule out do not count. Explores up to a budget of blocks, then falls back on antIn.
         */
        private long antFrom(State s, Block b, int[] budget) {
            if (b.term == T_RET) {
                return b.antIn;
            }
            if (--budget[0] < 0 || --work < 0) {
                return b.antIn;
            }
            State t = s.copy();
            long most = 0;
            for (BpfInstruction st : b.stmts) {
                most = Math.max(most, loadEnd(st));
                step(t, st);
            }
            long rest;
            if (b.term == T_GOTO) {
                rest = antFrom(t, b.jt, budget);
            } else {
                Boolean d = decide(b, t);
                if (d != null) {
                    rest = antFrom(t, d ? b.jt : b.jf, budget);
                } else {
                    State ts = t.copy();
                    State fs = t.copy();
                    refineBy(ts, b, t, true);
                    refineBy(fs, b, t, false);
                    rest = Math.min(antFrom(ts, b.jt, budget), antFrom(fs, b.jf, budget));
                }
            }
            return Math.max(most, rest);
        }

        /** Past a skipped block whose statements left state {@code t}: the block reached, then what it passes. */
        private List<Block> follow(State s, State t, Block next, int[] budget, long[] need) {
            for (int r = 0; r < REGS; r++) {
                if ((next.liveIn & (1 << r)) != 0 && t.reg[r] != s.reg[r]) {
                    return List.of();
                }
            }
            List<Block> further = passes(s, next, budget, need);
            List<Block> out = new ArrayList<>(further.size() + 1);
            out.add(next);
            out.addAll(further);
            return out;
        }

        /** Adds to {@code s} what taking (or not) the branch of {@code b}, evaluated in state {@code t}, says. */
        private void refineBy(State s, Block b, State t, boolean taken) {
            int a = t.reg[R_A];
            if ((b.code & 0x08) == X) {
                int x = t.reg[R_X];
                if (values.isConst(x)) {
                    s.refine(a, b.code & 0xf0, values.constant(x), taken, values);
                }
            } else {
                s.refine(a, b.code & 0xf0, Integer.toUnsignedLong(b.k), taken, values);
            }
        }

        /**
         * Per statement, with the state before it: drop what assigns a register the value it holds,
         * compute constants at compile time, read X's constant as an operand, take a value from the
         * other register instead of scratch memory.
         */
        boolean rewriteStatements() {
            boolean changed = false;
            for (Block b : blocks) {
                State s = b.in.copy();
                List<BpfInstruction> out = new ArrayList<>(b.stmts.size());
                for (BpfInstruction st : b.stmts) {
                    BpfInstruction now = rewrite(s, st);
                    if (now != st) {
                        changed = true;
                    }
                    if (now != null) {
                        step(s, now);
                        out.add(now);
                    }
                }
                b.stmts.clear();
                b.stmts.addAll(out);
                if (b.term == T_COND && (b.code & 0x08) == X && values.isConst(s.reg[R_X])) {
                    b.code = (b.code & ~0x08) | K;
                    b.k = (int) values.constant(s.reg[R_X]);
                    changed = true;
                }
            }
            return changed;
        }

        /** {@code st} rewritten for state {@code s}: itself, a cheaper equivalent, or null to drop it. */
        private BpfInstruction rewrite(State s, BpfInstruction st) {
            int code = st.code();
            int k = st.k();
            int[] r = s.reg;
            int def = defs(st);
            if (def != 0 && safe(s, st)) {
                int reg = Integer.numberOfTrailingZeros(def);
                State t = s.copy();
                step(t, st);
                int v = t.reg[reg];
                if (v == r[reg]) {
                    return null;
                }
                if (values.isConst(v) && (reg == R_A || reg == R_X)) {
                    int imm = (int) values.constant(v);
                    int want = reg == R_A ? LD | IMM : LDX | IMM;
                    if (code != want) {
                        return BpfInstruction.stmt(want, imm);
                    }
                    return st;
                }
                if (code == (LDX | MEM) && r[R_A] == v) {
                    return BpfInstruction.stmt(MISC | TAX, 0);
                }
                if (code == (LD | MEM) && r[R_X] == v) {
                    return BpfInstruction.stmt(MISC | TXA, 0);
                }
            }
            if ((code & 0x07) == ALU && (code & 0x08) == X && code != (ALU | NEG) && values.isConst(r[R_X])) {
                long c = values.constant(r[R_X]);
                int op = code & 0xf0;
                boolean badK = ((op == DIV || op == MOD) && c == 0) || ((op == LSH || op == RSH) && c >= 32);
                if (!badK) {
                    return BpfInstruction.stmt(ALU | op | K, (int) c);
                }
            }
            if ((code & 0xe7) == (LD | IND)) {
                long at = indAt(r[R_X], k);
                if (at >= 0) {
                    return BpfInstruction.stmt(LD | (code & 0x18) | ABS_, (int) at);
                }
            }
            return st;
        }

        /**
         * Drops statements whose result nobody reads (unless they could end the program), and fuses a
         * last {@code and #m} or {@code sub} into the comparison when A is read nowhere after it.
         * {@code anticipated}: instead of statements that cannot fail, drop absolute loads whose
         * failure every accepting path after them would meet anyway (at a later load reading at least
         * as far). Done on its own, since a load dropped that way may be what made another safe.
         */
        boolean removeDead(boolean anticipated) {
            boolean changed = false;
            for (Block b : blocks) {
                State s = b.in.copy();
                int n = b.stmts.size();
                boolean[] safe = new boolean[n];
                for (int i = 0; i < n; i++) {
                    safe[i] = !anticipated && safe(s, b.stmts.get(i));
                    step(s, b.stmts.get(i));
                }
                if (anticipated) {
                    long ant = b.term == T_RET ? (b.code == (RET | K) && b.k == 0 ? Long.MAX_VALUE : 0) : Long.MAX_VALUE;
                    for (Block x : succs(b)) {
                        ant = Math.min(ant, x.antIn);
                    }
                    for (int i = n - 1; i >= 0; i--) {
                        long end = loadEnd(b.stmts.get(i));
                        safe[i] = end > 0 && ant >= end;
                        ant = Math.max(ant, end);
                    }
                }
                if (b.term == T_COND && n > 0 && (b.liveOut & 1 << R_A) == 0 && safe[n - 1]) {
                    BpfInstruction last = b.stmts.get(n - 1);
                    int op = b.code & 0xf0;
                    boolean zeroTest = (b.code & 0x08) == K && b.k == 0 && op == JEQ;
                    if (last.code() == (ALU | AND | K) && zeroTest) {
                        b.code = JMP | JSET | K;
                        b.k = last.k();
                        Block t = b.jt;
                        b.jt = b.jf;
                        b.jf = t;
                        b.stmts.remove(n - 1);
                        changed = true;
                        continue;
                    }
                    if (last.code() == (ALU | AND | K) && b.code == (JMP | JSET | K)) {
                        b.k &= last.k();
                        b.stmts.remove(n - 1);
                        changed = true;
                        continue;
                    }
                    if (last.code() == (ALU | SUB | K) && zeroTest) {
                        b.k = last.k();
                        b.stmts.remove(n - 1);
                        changed = true;
                        continue;
                    }
                    if (last.code() == (ALU | SUB | X) && zeroTest) {
                        b.code = JMP | JEQ | X;
                        b.k = 0;
                        b.stmts.remove(n - 1);
                        changed = true;
                        continue;
                    }
                }
                int live = b.liveOut | termUses(b);
                for (int i = n - 1; i >= 0; i--) {
                    BpfInstruction st = b.stmts.get(i);
                    int def = defs(st);
                    if (def != 0 && (live & def) == 0 && safe[i]) {
                        b.stmts.remove(i);
                        changed = true;
                        continue;
                    }
                    live = (live & ~def) | uses(st);
                }
            }
            return changed;
        }

        /**
         * libpcap's {@code or_pullup} and {@code and_pullup}: in a chain of tests that all lead the
         * same way when they hold (an "or"; an "and" when they all fail the same way), a later test
         * of the value an earlier one tests moves up next to it, so that the value is loaded once:
         * {@code port 80 or 443} tests the source port against both before loading the destination
         * port. Only where loads cannot fail: moved up, a load runs before the loads it followed. One
         * move per round.
         */
        boolean pullUp() {
            for (Block b : blocks) {
                if (b.term == T_COND && (pullUp(b, true) || pullUp(b, false))) {
                    return true;
                }
            }
            return false;
        }

        /** Moves up a test along the false ({@code or}) or true branches of the chain that starts at {@code b}. */
        private boolean pullUp(Block b, boolean or) {
            int val = b.out.reg[R_A];
            Block exit = or ? b.jt : b.jf;
            // The last block of the run testing val, then the first that tests something else.
            Block last = b;
            Block d = chainNext(b, or);
            while (d != null && d.preds == 1 && d.term == T_COND && (or ? d.jt : d.jf) == exit && d.out.reg[R_A] == val) {
                last = d;
                d = chainNext(d, or);
            }
            if (d == null || d.preds != 1 || d.term != T_COND || (or ? d.jt : d.jf) != exit) {
                return false;
            }
            // Further down, the block before the next test of val, then that test.
            Block q = d;
            Block p = chainNext(d, or);
            for (int i = 0; i < 64 && p != null; i++) {
                if (p.preds != 1 || p.term != T_COND || (or ? p.jt : p.jf) != exit) {
                    return false;
                }
                if (p.out.reg[R_A] == val && movable(p, last, or)) {
                    Block after = chainNext(p, or);
                    setChainNext(q, or, after);
                    setChainNext(p, or, d);
                    setChainNext(last, or, p);
                    return true;
                }
                q = p;
                p = chainNext(p, or);
            }
            return false;
        }

        /**
         * Whether test {@code p} can run right after {@code last} instead: its statements write A
         * only, compute there the value they compute where it is, and what followed it reads no A.
         */
        private boolean movable(Block p, Block last, boolean or) {
            State t = (or ? edge(last, false) : edge(last, true)).copy();
            for (BpfInstruction st : p.stmts) {
                int code = st.code();
                if (defs(st) != 1 << R_A || code == (ALU | DIV | X) || code == (ALU | MOD | X)) {
                    return false;
                }
                step(t, st);
            }
            Block after = chainNext(p, or);
            return t.reg[R_A] == p.out.reg[R_A] && (after.liveIn & 1 << R_A) == 0
                    && ((p.code & 0x08) == K || t.reg[R_X] == p.out.reg[R_X]);
        }

        private static Block chainNext(Block b, boolean or) {
            return b.term != T_COND ? null : or ? b.jf : b.jt;
        }

        private static void setChainNext(Block b, boolean or, Block to) {
            if (or) {
                b.jf = to;
            } else {
                b.jt = to;
            }
        }

        // --------------------------------------------------------------------------------------
        // Layout

        /**
         * The blocks back into instructions, in id order: a plain jump only where the target is not
         * next, and, as libpcap does, a {@code ja} after a conditional jump that would reach further
         * than 255 instructions.
         */
        List<BpfInstruction> layout() {
            reach();
            // A conditional jump's code carries its block; a trampoline ja after it has none.
            record Ins(int code, int k, Block t, Block f, Block owner) {
            }
            Set<Block> longT = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            Set<Block> longF = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            for (int attempt = 0; ; attempt++) {
                List<Ins> code = new ArrayList<>();
                Map<Block, Integer> start = new IdentityHashMap<>();
                for (int i = 0; i < blocks.size(); i++) {
                    Block b = blocks.get(i);
                    start.put(b, code.size());
                    for (BpfInstruction st : b.stmts) {
                        code.add(new Ins(st.code(), st.k(), null, null, null));
                    }
                    switch (b.term) {
                        case T_RET -> code.add(new Ins(b.code, b.k, null, null, null));
                        case T_GOTO -> {
                            if (i + 1 >= blocks.size() || blocks.get(i + 1) != b.jt) {
                                code.add(new Ins(JMP | JA, 0, b.jt, null, null));
                            }
                        }
                        default -> {
                            code.add(new Ins(b.code, b.k, b.jt, b.jf, b));
                            if (longT.contains(b)) {
                                code.add(new Ins(JMP | JA, 0, b.jt, null, null));
                            }
                            if (longF.contains(b)) {
                                code.add(new Ins(JMP | JA, 0, b.jf, null, null));
                            }
                        }
                    }
                }
                boolean grew = false;
                List<BpfInstruction> out = new ArrayList<>(code.size());
                for (int pc = 0; pc < code.size(); pc++) {
                    Ins in = code.get(pc);
                    if (in.code() == (JMP | JA)) {
                        out.add(BpfInstruction.stmt(JMP | JA, start.get(in.t()) - pc - 1));
                    } else if (in.owner() != null) {
                        int dt = start.get(in.t()) - pc - 1;
                        int df = start.get(in.f()) - pc - 1;
                        int extra = 0;
                        if (longT.contains(in.owner())) {
                            dt = extra++;
                        } else if (dt > 255) {
                            grew |= longT.add(in.owner());
                        }
                        if (longF.contains(in.owner())) {
                            df = extra;
                        } else if (df > 255) {
                            grew |= longF.add(in.owner());
                        }
                        if (!grew) {
                            out.add(BpfInstruction.jump(in.code(), in.k(), dt, df));
                        }
                    } else {
                        out.add(BpfInstruction.stmt(in.code(), in.k()));
                    }
                }
                if (!grew) {
                    return out;
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // Registers, liveness

    /** {@code BPF_ABS}, the mode bits of an absolute load (the name ABS is a class constant here). */
    private static final int ABS_ = 0x20;

    private static int size(int code) {
        return switch (code & 0x18) {
            case W -> 4;
            case H -> 2;
            default -> 1;
        };
    }

    /** The register (as a liveness bit) a statement writes, or 0. */
    static int defs(BpfInstruction st) {
        int code = st.code();
        return switch (code & 0x07) {
            case LD, ALU -> 1 << R_A;
            case LDX -> 1 << R_X;
            case ST, STX -> 1 << (R_M + st.k());
            case MISC -> code == (MISC | TAX) ? 1 << R_X : 1 << R_A;
            default -> 0;
        };
    }

    /** The registers (as liveness bits) a statement reads. */
    static int uses(BpfInstruction st) {
        int code = st.code();
        int k = st.k();
        return switch (code & 0x07) {
            case LD -> switch (code & 0xe0) {
                case IND -> 1 << R_X;
                case MEM -> 1 << (R_M + k);
                // The kernel's "A xor X" extension reads both registers.
                case ABS_ -> k == BpfProgram.SKF_AD_OFF + BpfProgram.SKF_AD_ALU_XOR_X ? (1 << R_A) | (1 << R_X) : 0;
                default -> 0;
            };
            case LDX -> (code & 0xe0) == MEM ? 1 << (R_M + k) : 0;
            case ST -> 1 << R_A;
            case STX -> 1 << R_X;
            case ALU -> (code & 0x08) == X && code != (ALU | NEG) ? (1 << R_A) | (1 << R_X) : 1 << R_A;
            case MISC -> code == (MISC | TAX) ? 1 << R_A : 1 << R_X;
            default -> 0;
        };
    }

    private static int termUses(Block b) {
        return switch (b.term) {
            case T_COND -> (b.code & 0x08) == X ? (1 << R_A) | (1 << R_X) : 1 << R_A;
            case T_RET -> (b.code & 0x18) == A ? 1 << R_A : 0;
            default -> 0;
        };
    }

    // ------------------------------------------------------------------------------------------
    // Value numbers

    /** Value numbers: equal numbers hold equal values for the same packet, wherever computed. */
    static final class Values {
        static final int CONST = 0, LENGTH = 1, ABS = 2, IND = 3, MSH_ = 4, ALU_ = 5, ANC = 6, PHI = 7, FRESH = 8;

        private record Key(int kind, int a, int b, long c) {
        }

        private final Map<Key, Integer> numbers = new HashMap<>();
        private final List<Key> keys = new ArrayList<>();

        void clear() {
            numbers.clear();
            keys.clear();
        }

        private int number(Key key) {
            Integer v = numbers.get(key);
            if (v == null) {
                v = keys.size();
                keys.add(key);
                numbers.put(key, v);
            }
            return v;
        }

        int key(int kind, int a, int b, long c) {
            return number(new Key(kind, a, b, c));
        }

        int constVn(long c) {
            return key(CONST, 0, 0, c & 0xffffffffL);
        }

        int anc(int size, int k) {
            return key(ANC, size, 0, k);
        }

        int fresh() {
            return key(FRESH, keys.size(), 0, 0);
        }

        int phi(Block b, int reg) {
            return key(PHI, b.id, reg, 0);
        }

        boolean isConst(int v) {
            return keys.get(v).kind == CONST;
        }

        long constant(int v) {
            return keys.get(v).c;
        }

        Key keyOf(int v) {
            return keys.get(v);
        }

        /** The value of {@code a op b}, folded where both are constants or an identity applies. */
        int alu(int op, int a, int b) {
            if (isConst(a) && isConst(b)) {
                long x = constant(a);
                long y = constant(b);
                Long r = switch (op) {
                    case ADD -> x + y;
                    case SUB -> x - y;
                    case MUL -> x * y;
                    case DIV -> y == 0 ? null : x / y;
                    case MOD -> y == 0 ? null : x % y;
                    case AND -> x & y;
                    case OR -> x | y;
                    case XOR -> x ^ y;
                    case LSH -> x << (y & 31);
                    case RSH -> x >>> (y & 31);
                    case NEG -> -x;
                    default -> null;
                };
                if (r != null) {
                    return constVn(r);
                }
            }
            if (isConst(b) && op != NEG) {
                long y = constant(b);
                if (y == 0 && (op == ADD || op == SUB || op == OR || op == XOR || op == LSH || op == RSH)) {
                    return a;
                }
                if (y == 1 && (op == MUL || op == DIV)) {
                    return a;
                }
                if (y == 0xffffffffL && op == AND) {
                    return a;
                }
                if (y == 0 && (op == AND || op == MUL)) {
                    return constVn(0);
                }
            }
            return key(ALU_, a, b, op);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Facts about values

    /**
     * What is known of a value on a path: an unsigned range, bits known clear, constants it is not,
     * masks it has a bit of.
     */
    record Fact(long lo, long hi, int zero, Set<Long> not, Set<Integer> someBit, Set<Long> oneOf) {
        static final Fact ANY = new Fact(0, 0xffffffffL, 0, Set.of(), Set.of());
        /** A set of possible values larger than this is forgotten. */
        static final int MAX_ONE_OF = 32;

        /** No list of possible values ({@code oneOf} null: any in the range). */
        Fact(long lo, long hi, int zero, Set<Long> not, Set<Integer> someBit) {
            this(lo, hi, zero, not, someBit, null);
        }

        Fact and(Fact o) {
            Set<Long> n = union(not, o.not);
            Set<Integer> sb = union(someBit, o.someBit);
            Set<Long> one = oneOf == null ? o.oneOf : oneOf;
            if (oneOf != null && o.oneOf != null) {
                Set<Long> both = new HashSet<>(oneOf);
                both.retainAll(o.oneOf);
                one = Set.copyOf(both);
            }
            return new Fact(Math.max(lo, o.lo), Math.min(hi, o.hi), zero | o.zero, n, sb, one);
        }

        Fact or(Fact o) {
            Set<Long> n = new HashSet<>(not);
            n.retainAll(o.not);
            Set<Integer> sb = new HashSet<>(someBit);
            sb.retainAll(o.someBit);
            Set<Long> one = null;
            Set<Long> mine = candidates();
            Set<Long> theirs = o.candidates();
            if (mine != null && theirs != null && mine.size() + theirs.size() <= MAX_ONE_OF) {
                Set<Long> either = new HashSet<>(mine);
                either.addAll(theirs);
                one = Set.copyOf(either);
            }
            return new Fact(Math.min(lo, o.lo), Math.max(hi, o.hi), zero & o.zero, Set.copyOf(n), Set.copyOf(sb), one);
        }

        private static <T> Set<T> union(Set<T> a, Set<T> b) {
            if (b.isEmpty() || a.containsAll(b)) {
                return a;
            }
            if (a.isEmpty()) {
                return b;
            }
            Set<T> u = new HashSet<>(a);
            u.addAll(b);
            return Set.copyOf(u);
        }

        /** The values still possible, if the fact lists them (else null). */
        Set<Long> candidates() {
            if (oneOf == null) {
                return lo == hi ? Set.of(lo) : null;
            }
            Set<Long> c = new HashSet<>();
            for (long v : oneOf) {
                if (v >= lo && v <= hi && !not.contains(v) && (v & zero) == 0) {
                    c.add(v);
                }
            }
            return c;
        }
    }

    /**
     * An immutable list from value numbers to facts (or to nothing, as a set), newest first: states
     * copied along every explored path share it instead of copying a map.
     */
    record Chain(int vn, Fact fact, Chain next) {
        static Fact get(Chain c, int vn) {
            for (; c != null; c = c.next) {
                if (c.vn == vn) {
                    return c.fact;
                }
            }
            return null;
        }

        static boolean has(Chain c, int vn) {
            for (; c != null; c = c.next) {
                if (c.vn == vn) {
                    return true;
                }
            }
            return false;
        }

        /** {@code c} with {@code vn} mapped to {@code fact} (null for a set member). */
        static Chain with(Chain c, int vn, Fact fact) {
            if (fact == null && has(c, vn)) {
                return c;
            }
            return new Chain(vn, fact, c);
        }

        /** The newest entry per value number. */
        static Map<Integer, Fact> toMap(Chain c) {
            Map<Integer, Fact> m = new HashMap<>();
            Set<Integer> seen = new HashSet<>();
            for (; c != null; c = c.next) {
                if (seen.add(c.vn)) {
                    m.put(c.vn, c.fact);
                }
            }
            return m;
        }

        static Chain of(Map<Integer, Fact> m) {
            Chain c = null;
            for (Map.Entry<Integer, Fact> e : m.entrySet()) {
                c = new Chain(e.getKey(), e.getValue(), c);
            }
            return c;
        }
    }

    /** The abstract machine state at one point: value numbers in registers, facts, what has been read. */
    static final class State {
        final int[] reg = new int[REGS];
        /** The packet has at least this many captured bytes (a load this far has succeeded). */
        long knownLen;
        /** Loads (other than absolute packet loads) that have succeeded; shared between copies. */
        Chain avail;
        /** What the branches taken say about values; shared between copies, newest first. */
        Chain facts;

        static State entry(Values values) {
            State s = new State();
            // The kernel starts A and X at 0. Scratch memory is never read before a store (verified),
            // but holds no known value: a store of 0 is not redundant (the kernel checks that it comes).
            s.reg[R_A] = values.constVn(0);
            s.reg[R_X] = values.constVn(0);
            for (int r = R_M; r < REGS; r++) {
                s.reg[r] = values.fresh();
            }
            return s;
        }

        State copy() {
            State s = new State();
            System.arraycopy(reg, 0, s.reg, 0, REGS);
            s.knownLen = knownLen;
            s.avail = avail;
            s.facts = facts;
            return s;
        }

        static State meet(List<State> ins, Block b, Values values) {
            State s = ins.get(0).copy();
            for (int i = 1; i < ins.size(); i++) {
                State o = ins.get(i);
                s.knownLen = Math.min(s.knownLen, o.knownLen);
                Map<Integer, Fact> mine = Chain.toMap(s.avail);
                Map<Integer, Fact> theirs = Chain.toMap(o.avail);
                mine.keySet().retainAll(theirs.keySet());
                s.avail = Chain.of(mine);
                Map<Integer, Fact> f = new HashMap<>();
                Map<Integer, Fact> otherFacts = Chain.toMap(o.facts);
                for (Map.Entry<Integer, Fact> e : Chain.toMap(s.facts).entrySet()) {
                    Fact other = otherFacts.get(e.getKey());
                    if (other != null) {
                        f.put(e.getKey(), e.getValue().or(other));
                    }
                }
                s.facts = Chain.of(f);
            }
            for (int r = 0; r < REGS; r++) {
                for (State o : ins) {
                    if (o.reg[r] != s.reg[r]) {
                        s.reg[r] = values.phi(b, r);
                        break;
                    }
                }
            }
            return s;
        }

        /** Everything known of value {@code v}: from what it is, and from the branches taken. */
        Fact fact(int v, Values values) {
            return fact(v, values, 0);
        }

        private Fact fact(int v, Values values, int depth) {
            Fact f = intrinsic(v, values, depth);
            Fact learnt = Chain.get(facts, v);
            return learnt == null ? f : f.and(learnt);
        }

        /** What a value is known to be from how it is computed: a load's width, interval arithmetic. */
        private Fact intrinsic(int v, Values values, int depth) {
            Values.Key key = values.keyOf(v);
            switch (key.kind()) {
                case Values.CONST -> {
                    return new Fact(key.c(), key.c(), (int) ~key.c(), Set.of(), Set.of());
                }
                case Values.ABS, Values.IND, Values.ANC -> {
                    int size = key.a();
                    long hi = size == 1 ? 0xff : size == 2 ? 0xffff : 0xffffffffL;
                    return new Fact(0, hi, (int) ~hi, Set.of(), Set.of());
                }
                case Values.MSH_ -> {
                    return new Fact(0, 60, ~0x3c, Set.of(), Set.of());
                }
                case Values.ALU_ -> {
                    if (depth > 8) {
                        return Fact.ANY;
                    }
                    Fact x = fact(key.a(), values, depth + 1);
                    Fact y = fact(key.b(), values, depth + 1);
                    if (x.lo > x.hi || y.lo > y.hi) {
                        return Fact.ANY;
                    }
                    return range(switch ((int) key.c()) {
                        case ADD -> new long[] {x.lo + y.lo, x.hi + y.hi};
                        case SUB -> x.lo >= y.hi ? new long[] {x.lo - y.hi, x.hi - y.lo} : null;
                        case MUL -> x.hi <= 0xffffffffL / Math.max(1, y.hi) ? new long[] {x.lo * y.lo, x.hi * y.hi} : null;
                        case DIV -> y.lo > 0 ? new long[] {x.lo / y.hi, x.hi / y.lo} : null;
                        case MOD -> y.lo > 0 ? new long[] {0, Math.min(x.hi, y.hi - 1)} : null;
                        case AND -> new long[] {0, Math.min(x.hi, y.hi)};
                        case OR, XOR -> new long[] {0, (Long.highestOneBit(Math.max(x.hi, y.hi)) << 1) - 1};
                        case RSH -> y.lo == y.hi && y.lo < 32 ? new long[] {x.lo >>> y.lo, x.hi >>> y.lo} : null;
                        case LSH -> y.lo == y.hi && y.lo < 32 && (x.hi << y.lo) <= 0xffffffffL
                                ? new long[] {x.lo << y.lo, x.hi << y.lo} : null;
                        default -> null;
                    }, key.c() == AND && values.isConst(key.b()) ? (int) ~values.constant(key.b()) : 0);
                }
                default -> {
                    return Fact.ANY;
                }
            }
        }

        /** A range from interval arithmetic, or anything if it overflowed 32 bits. */
        private static Fact range(long[] lohi, int zero) {
            if (lohi == null || lohi[0] < 0 || lohi[1] > 0xffffffffL || lohi[0] > lohi[1]) {
                return new Fact(0, 0xffffffffL, zero, Set.of(), Set.of());
            }
            return new Fact(lohi[0], lohi[1], zero, Set.of(), Set.of());
        }

        /** The outcome of {@code A op k} for the value {@code a}, or null if the facts do not tell. */
        Boolean decide(int a, int op, long k, Values values) {
            Fact f = fact(a, values);
            if (f.lo > f.hi) {
                return null; // contradictory facts: a path that cannot run; leave it alone
            }
            Set<Long> cands = f.candidates();
            if (cands != null) {
                if (cands.isEmpty()) {
                    return null;
                }
                Boolean all = null;
                for (long v : cands) {
                    boolean r = switch (op) {
                        case JEQ -> v == k;
                        case JGT -> v > k;
                        case JGE -> v >= k;
                        default -> (v & k) != 0;
                    };
                    if (all != null && all != r) {
                        all = null;
                        break;
                    }
                    all = r;
                }
                if (all != null) {
                    return all;
                }
            }
            switch (op) {
                case JEQ -> {
                    if (f.lo == f.hi) {
                        return f.lo == k;
                    }
                    if (k < f.lo || k > f.hi || f.not.contains(k) || (k & f.zero) != 0) {
                        return false;
                    }
                    return null;
                }
                case JGT -> {
                    return f.lo > k ? Boolean.TRUE : f.hi <= k ? Boolean.FALSE : null;
                }
                case JGE -> {
                    return f.lo >= k ? Boolean.TRUE : f.hi < k ? Boolean.FALSE : null;
                }
                case JSET -> {
                    if (f.lo == f.hi) {
                        return (f.lo & k) != 0;
                    }
                    if ((k & ~(long) f.zero & 0xffffffffL) == 0) {
                        return false;
                    }
                    if (f.lo > 0 && (k & 0xffffffffL) == 0xffffffffL) {
                        return true;
                    }
                    for (int m : f.someBit) {
                        if ((m & 0xffffffffL & ~k) == 0) {
                            return true;
                        }
                    }
                    if (f.hi < Long.lowestOneBit(k)) {
                        return false;
                    }
                    return null;
                }
                default -> {
                    return null;
                }
            }
        }

        /** Learns what the branch {@code A op k} taken (or not) says about value {@code a}. */
        void refine(int a, int op, long k, boolean taken, Values values) {
            if (values.isConst(a)) {
                return;
            }
            Fact f = Chain.get(facts, a);
            f = f == null ? Fact.ANY : f;
            Fact add = switch (op) {
                case JEQ -> taken ? new Fact(k, k, (int) ~k, Set.of(), Set.of(), Set.of(k))
                        : new Fact(0, 0xffffffffL, 0, Set.of(k), Set.of());
                case JGT -> taken ? new Fact(k + 1, 0xffffffffL, 0, Set.of(), Set.of())
                        : new Fact(0, k, 0, Set.of(), Set.of());
                case JGE -> taken ? new Fact(k, 0xffffffffL, 0, Set.of(), Set.of())
                        : new Fact(0, k - 1, 0, Set.of(), Set.of());
                case JSET -> taken ? new Fact(1, 0xffffffffL, 0, Set.of(), Set.of((int) k))
                        : new Fact(0, 0xffffffffL, (int) k, Set.of(), Set.of());
                default -> Fact.ANY;
            };
            if (op == JGE && !taken && k == 0) {
                return; // never true of an unsigned value: the path cannot run
            }
            facts = Chain.with(facts, a, f.and(add));
        }
    }
}
