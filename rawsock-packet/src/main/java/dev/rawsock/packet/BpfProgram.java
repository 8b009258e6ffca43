package dev.rawsock.packet;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A verified classic BPF program (the Linux {@code struct sock_fprog} of {@code SO_ATTACH_FILTER},
 * {@code socket(7)}; the machine of {@code bpf(4)}), with a pure-Java compiler for the pcap-filter
 * language ({@link #compile(String)}), a reader of {@code tcpdump -dd} output ({@link #parse(String)})
 * and an interpreter ({@link #matches(byte[])}).
 *
 * <p>Every instance has passed the same checks the kernel's {@code bpf_check_classic} makes, so a
 * program built here is never refused with {@code EINVAL} on attach: 1..4096 instructions, only the
 * opcodes the kernel accepts, every jump forward and inside the program, a return as the last
 * instruction, scratch memory indexes below 16 and never read before written, no constant division by
 * zero, constant shifts below 32. Instances are immutable.
 *
 * <p>The interpreter follows the kernel: a packet load outside the captured bytes ends the program
 * with 0 (reject), as does a division or modulus by a zero X; ALU arithmetic wraps at 32 bits and is
 * unsigned, shifts by X use its low five bits. Loads at the kernel's ancillary offsets
 * ({@code SKF_AD_OFF + SKF_AD_*}, {@code filter(7)}/{@code <linux/filter.h>}) read the packet's
 * metadata when a {@link PacketMeta} is given ({@link #run(byte[], int, int, int, PacketMeta)}) and
 * reject without one; loads at {@code SKF_NET_OFF} and {@code SKF_LL_OFF} always reject here.
 */
public final class BpfProgram {

    /** {@code BPF_MAXINSNS} of {@code <linux/bpf_common.h>}. */
    public static final int MAX_INSTRUCTIONS = 4096;
    /** {@code BPF_MEMWORDS}: scratch memory words. */
    public static final int MEMORY_WORDS = 16;
    /** What an accepting program returns, as tcpdump's programs do: the largest snapshot length. */
    public static final int ACCEPT_SNAPLEN = 262144;

    // Opcode parts, <linux/bpf_common.h>.
    static final int LD = 0x00, LDX = 0x01, ST = 0x02, STX = 0x03, ALU = 0x04, JMP = 0x05, RET = 0x06, MISC = 0x07;
    static final int W = 0x00, H = 0x08, B = 0x10;
    static final int IMM = 0x00, ABS = 0x20, IND = 0x40, MEM = 0x60, LEN = 0x80, MSH = 0xa0;
    static final int ADD = 0x00, SUB = 0x10, MUL = 0x20, DIV = 0x30, OR = 0x40, AND = 0x50, LSH = 0x60,
            RSH = 0x70, NEG = 0x80, MOD = 0x90, XOR = 0xa0;
    static final int JA = 0x00, JEQ = 0x10, JGT = 0x20, JGE = 0x30, JSET = 0x40;
    static final int K = 0x00, X = 0x08, A = 0x10;
    static final int TAX = 0x00, TXA = 0x80;

    /** {@code SKF_AD_OFF} of {@code <linux/filter.h>}: where the ancillary (metadata) loads start. */
    public static final int SKF_AD_OFF = -0x1000;
    /** Ancillary offsets (added to {@link #SKF_AD_OFF}) of {@code <linux/filter.h>}. */
    public static final int SKF_AD_PROTOCOL = 0, SKF_AD_PKTTYPE = 4, SKF_AD_IFINDEX = 8, SKF_AD_NLATTR = 12,
            SKF_AD_NLATTR_NEST = 16, SKF_AD_MARK = 20, SKF_AD_QUEUE = 24, SKF_AD_HATYPE = 28, SKF_AD_RXHASH = 32,
            SKF_AD_CPU = 36, SKF_AD_ALU_XOR_X = 40, SKF_AD_VLAN_TAG = 44, SKF_AD_VLAN_TAG_PRESENT = 48,
            SKF_AD_PAY_OFFSET = 52, SKF_AD_RANDOM = 56, SKF_AD_VLAN_TPID = 60;
    /** {@code SKF_AD_MAX}: the ancillary area is {@code SKF_AD_OFF .. SKF_AD_OFF + SKF_AD_MAX - 1}. */
    static final int SKF_AD_MAX = 64;

    /**
     * What a program is compiled for: the same pcap-filter expression needs different code where the
     * kernel has already taken the outer VLAN tag off the frame.
     */
    public enum Target {
        /**
         * Frames with every VLAN tag in the packet bytes: pcap files, {@link #matches(byte[])}, and
         * {@code tcpdump -dd} run without a live interface. A {@code vlan} primitive tests the
         * TPID at offset 12 and moves every later offset by 4.
         */
        OFFLINE,
        /**
         * A live Linux {@code AF_PACKET} socket ({@code SO_ATTACH_FILTER}): the kernel strips the outer
         * tag before the filter runs and keeps it in the skb's metadata. As libpcap does there
         * ({@code gen_vlan_bpf_extensions}), the first {@code vlan} primitive accepts a tag either in
         * the metadata ({@code SKF_AD_VLAN_TAG_PRESENT}, {@code SKF_AD_VLAN_TAG}) or in the packet;
         * only in the second case do later offsets move by 4, decided at run time through scratch
         * memory {@code M[0]} (link-layer payload) and {@code M[1]} (link type). Later {@code vlan}
         * primitives (QinQ) test tags in the packet. Everything else compiles as for {@link #OFFLINE}.
         */
        LINUX_SOCKET
    }

    /**
     * How {@link #compile(String, int, Options)} compiles a filter, as libpcap's
     * {@code pcap_compile} arguments and the capture handle give it. Start from {@link #defaults()}
     * and change what differs.
     *
     * @param target   where the program will run ({@link Target})
     * @param snaplen  what an accepting program returns: how many bytes of a packet to keep (tcpdump's
     *                 {@code -s}), 1 or more; {@value BpfProgram#ACCEPT_SNAPLEN} by default
     * @param netmask  the IPv4 netmask of the capture's network, as a big-endian int
     *                 ({@code 0xffffff00} for a /24), for {@code ip broadcast}; or
     *                 {@link #NETMASK_UNKNOWN}, libpcap's {@code PCAP_NETMASK_UNKNOWN}
     * @param optimize whether to shorten the program as libpcap's optimizer does, though never
     *                 changing a verdict, not even for a packet cut short before a load unless
     *                 {@code shortPacketVerdicts} is false ({@code tcpdump -O} turns libpcap's off);
     *                 on by default
     * @param ethers   the {@code ethers(5)} file that names Ethernet hosts, or null for
     *                 {@code /etc/ethers}
     * @param shortPacketVerdicts whether the optimizer keeps the verdict on a packet too short for
     *                 one of the program's loads (the kernel's and libpcap's interpreters, {@code
     *                 bpf_filter(3)}, reject a packet where a load reads past its captured bytes); true
     *                 by default. False optimizes as libpcap's {@code optimize.c} does, which treats a
     *                 load as never failing: it may drop a load, and the tests that read it, when
     *                 their result cannot change the verdict of a packet long enough for them, so a
     *                 shorter packet may then be accepted (or rejected) where the program as
     *                 generated rejects it ({@code tcp or 1 = 1} becomes a bare {@code ret}). Packets
     *                 long enough for every load the program as generated makes get the same
     *                 verdict either way; the programs are then as short as libpcap's
     */
    public record Options(Target target, int snaplen, int netmask, boolean optimize, java.nio.file.Path ethers,
            boolean shortPacketVerdicts) {
        /** libpcap's {@code PCAP_NETMASK_UNKNOWN}: no netmask, so {@code ip broadcast} is refused. */
        public static final int NETMASK_UNKNOWN = 0xffffffff;

        private static final Options DEFAULTS = new Options(Target.OFFLINE, ACCEPT_SNAPLEN, NETMASK_UNKNOWN, true, null,
                true);

        /**
         * Checks the options.
         *
         * @throws IllegalArgumentException if {@code target} is null or {@code snaplen} is below 1
         */
        public Options {
            if (target == null) {
                throw new IllegalArgumentException("target is null");
            }
            if (snaplen < 1) {
                throw new IllegalArgumentException("snaplen " + snaplen + " is below 1");
            }
        }

        /**
         * Options that keep the verdict on short packets, as before that choice existed.
         *
         * @param target   where the program will run
         * @param snaplen  bytes of an accepted packet to keep, 1 or more
         * @param netmask  the IPv4 netmask as a big-endian int, or {@link #NETMASK_UNKNOWN}
         * @param optimize whether to optimize
         * @param ethers   the {@code ethers(5)} file, or null for {@code /etc/ethers}
         * @throws IllegalArgumentException if {@code target} is null or {@code snaplen} is below 1
         */
        public Options(Target target, int snaplen, int netmask, boolean optimize, java.nio.file.Path ethers) {
            this(target, snaplen, netmask, optimize, ethers, true);
        }

        /**
         * {@return offline, snapshot length {@value BpfProgram#ACCEPT_SNAPLEN}, netmask unknown,
         * optimized keeping short packets' verdicts, {@code /etc/ethers}}
         */
        public static Options defaults() {
            return DEFAULTS;
        }

        /**
         * {@return these options for another target}
         *
         * @param target where the program will run
         */
        public Options withTarget(Target target) {
            return new Options(target, snaplen, netmask, optimize, ethers, shortPacketVerdicts);
        }

        /**
         * {@return these options with another snapshot length}
         *
         * @param snaplen bytes of an accepted packet to keep, 1 or more
         */
        public Options withSnaplen(int snaplen) {
            return new Options(target, snaplen, netmask, optimize, ethers, shortPacketVerdicts);
        }

        /**
         * {@return these options with another netmask}
         *
         * @param netmask the IPv4 netmask as a big-endian int, or {@link #NETMASK_UNKNOWN}
         */
        public Options withNetmask(int netmask) {
            return new Options(target, snaplen, netmask, optimize, ethers, shortPacketVerdicts);
        }

        /**
         * {@return these options with the optimizer on or off}
         *
         * @param optimize whether to optimize
         */
        public Options withOptimize(boolean optimize) {
            return new Options(target, snaplen, netmask, optimize, ethers, shortPacketVerdicts);
        }

        /**
         * {@return these options naming Ethernet hosts from another {@code ethers(5)} file}
         *
         * @param ethers the file, or null for {@code /etc/ethers}
         */
        public Options withEthers(java.nio.file.Path ethers) {
            return new Options(target, snaplen, netmask, optimize, ethers, shortPacketVerdicts);
        }

        /**
         * {@return these options with the optimizer keeping, or not, the verdict on packets too
         * short for a load} False is libpcap's behaviour ({@code pcap_compile} with optimization on):
         * the program may drop a packet load, and the tests that read it, whose only effect is to
         * reject a packet cut short before that load, so a short packet can get another verdict
         * than from the program as generated, while every packet long enough for the generated
         * program's loads gets the same one. Programs are then as short as libpcap's. Without the
         * optimizer ({@link #withOptimize withOptimize(false)}) this changes nothing.
         *
         * @param keep true (the default) to keep every verdict; false to optimize as libpcap does
         */
        public Options withShortPacketVerdicts(boolean keep) {
            return new Options(target, snaplen, netmask, optimize, ethers, keep);
        }
    }

    /**
     * The packet metadata the kernel's ancillary loads read ({@code SKF_AD_*}), for running a program
     * in Java as a socket would run it. {@code vlanTci} is the tag the kernel took off the frame, or
     * -1 when there is none in the metadata (then {@code SKF_AD_VLAN_TAG_PRESENT} reads 0); the other
     * fields are -1 when unknown, and a load of an unknown field ends the program with 0 (reject).
     * Loads of metadata not described here ({@code MARK}, {@code RXHASH}, {@code CPU}, ...) reject too.
     *
     * @param vlanTci      {@code skb->vlan_tci} (priority, DEI, VLAN id), 0..0xffff, or -1: no tag
     * @param vlanTpid     {@code skb->vlan_proto} of that tag (e.g. 0x8100, 0x88a8), or -1: 0x8100
     * @param protocol     {@code skb->protocol}, the EtherType ({@code sll_protocol}), or -1
     * @param packetType   {@code skb->pkt_type} ({@code sll_pkttype}, PACKET_HOST = 0 ...), or -1
     * @param ifindex      the receiving interface's index ({@code sll_ifindex}), or -1
     * @param hardwareType the interface's {@code ARPHRD_*} type ({@code sll_hatype}), or -1
     */
    public record PacketMeta(int vlanTci, int vlanTpid, int protocol, int packetType, int ifindex, int hardwareType) {
        private static final PacketMeta UNTAGGED = new PacketMeta(-1, -1, -1, -1, -1, -1);

        /**
         * Checks every field against its range, so a bad value fails here and not inside a run.
         *
         * @throws IllegalArgumentException if a field is out of its range
         */
        public PacketMeta {
            check("vlanTci", vlanTci, 0xffff);
            check("vlanTpid", vlanTpid, 0xffff);
            check("protocol", protocol, 0xffff);
            check("packetType", packetType, 0xff);
            check("ifindex", ifindex, Integer.MAX_VALUE);
            check("hardwareType", hardwareType, 0xffff);
        }

        private static void check(String what, int v, int max) {
            if (v < -1 || v > max) {
                throw new IllegalArgumentException(what + " must be -1 or 0.." + max + ": " + v);
            }
        }

        /**
         * No tag in the metadata (any tags are in the packet bytes), nothing else known.
         *
         * @return metadata with no tag and nothing else known
         */
        public static PacketMeta untagged() {
            return UNTAGGED;
        }

        /**
         * {@return a tag (TCI, with TPID 0x8100) the kernel took off the frame, nothing else known}
         *
         * @param vlanTci the tag control information (priority, DEI, VLAN id), 0..0xffff
         */
        public static PacketMeta tagged(int vlanTci) {
            return new PacketMeta(vlanTci, 0x8100, -1, -1, -1, -1);
        }

        /**
         * {@return a tag with its TCI and TPID (0x8100 802.1Q, 0x88a8 802.1ad) the kernel took off the frame}
         *
         * @param vlanTci the tag control information (priority, DEI, VLAN id), 0..0xffff
         * @param vlanTpid the tag protocol id, e.g. 0x8100 or 0x88a8
         */
        public static PacketMeta tagged(int vlanTci, int vlanTpid) {
            return new PacketMeta(vlanTci, vlanTpid, -1, -1, -1, -1);
        }

        /** {@return whether the metadata holds a VLAN tag ({@code SKF_AD_VLAN_TAG_PRESENT})} */
        public boolean vlanPresent() {
            return vlanTci >= 0;
        }
    }

    /** Whether {@code k} of a {@code ld[bhw] [k]} is an ancillary load the kernel knows ({@code bpf_anc_helper}). */
    static boolean knownAncillary(int k) {
        int off = k - SKF_AD_OFF;
        return off >= 0 && off < SKF_AD_MAX && off % 4 == 0;
    }

    /** Exactly the opcodes the kernel's {@code chk_code_allowed} lets through. */
    private static final boolean[] ALLOWED = new boolean[0x10000];

    static {
        int[] aluOps = {ADD, SUB, MUL, DIV, MOD, AND, OR, XOR, LSH, RSH};
        for (int op : aluOps) {
            ALLOWED[ALU | op | K] = true;
            ALLOWED[ALU | op | X] = true;
        }
        ALLOWED[ALU | NEG] = true;
        for (int size : new int[] {W, H, B}) {
            ALLOWED[LD | size | ABS] = true;
            ALLOWED[LD | size | IND] = true;
        }
        ALLOWED[LD | W | LEN] = true;
        ALLOWED[LD | IMM] = true;
        ALLOWED[LD | MEM] = true;
        ALLOWED[LDX | W | LEN] = true;
        ALLOWED[LDX | B | MSH] = true;
        ALLOWED[LDX | IMM] = true;
        ALLOWED[LDX | MEM] = true;
        ALLOWED[ST] = true;
        ALLOWED[STX] = true;
        ALLOWED[MISC | TAX] = true;
        ALLOWED[MISC | TXA] = true;
        ALLOWED[RET | K] = true;
        ALLOWED[RET | A] = true;
        ALLOWED[JMP | JA] = true;
        for (int op : new int[] {JEQ, JGT, JGE, JSET}) {
            ALLOWED[JMP | op | K] = true;
            ALLOWED[JMP | op | X] = true;
        }
    }

    private static final BpfProgram ACCEPT_ALL =
            new BpfProgram(List.of(BpfInstruction.stmt(RET | K, ACCEPT_SNAPLEN)));

    private final List<BpfInstruction> instructions;
    // The same program unpacked into arrays for the interpreter's loop.
    private final byte[] ops;
    private final byte[] jts;
    private final byte[] jfs;
    private final int[] ks;
    /** Whether a {@code ja} goes backwards (libpcap's protochain loop): the kernel refuses the program. */
    private final boolean backward;

    /**
     * Backward jumps a run may take before it gives up and rejects the packet: a protochain loop
     * takes one per extension header, each at least 8 bytes long, so a packet of any real length
     * ends far sooner.
     */
    static final int MAX_BACKWARD_JUMPS = 1 << 16;

    /**
     * A program from its instructions, checked by the verifier.
     *
     * @param instructions the instructions, in order
     * @throws IllegalArgumentException if the kernel would refuse the program (the message says why
     *                                  and at which instruction)
     */
    public BpfProgram(List<BpfInstruction> instructions) {
        this(instructions, false);
    }

    /** {@code backward}: also accept a {@code ja} back to an earlier instruction (a program for user space). */
    BpfProgram(List<BpfInstruction> instructions, boolean backward) {
        List<BpfInstruction> copy = List.copyOf(instructions);
        verify(copy, backward);
        this.backward = backward && copy.stream().anyMatch(in -> in.code() == (JMP | JA) && in.k() < 0);
        this.instructions = copy;
        int n = copy.size();
        ops = new byte[n];
        jts = new byte[n];
        jfs = new byte[n];
        ks = new int[n];
        for (int i = 0; i < n; i++) {
            BpfInstruction in = copy.get(i);
            ops[i] = decode(in.code());
            jts[i] = (byte) in.jt();
            jfs[i] = (byte) in.jf();
            ks[i] = in.k();
        }
    }

    /**
     * Same as the constructor.
     *
     * @param instructions the instructions, in order
     * @return the program
     */
    public static BpfProgram of(List<BpfInstruction> instructions) {
        return new BpfProgram(instructions);
    }

    /**
     * Same as the constructor.
     *
     * @param instructions the instructions, in order
     * @return the program
     */
    public static BpfProgram of(BpfInstruction... instructions) {
        return new BpfProgram(Arrays.asList(instructions));
    }

    /** {@return the program that accepts every packet whole: {@code ret #262144}, what tcpdump compiles for an empty filter} */
    public static BpfProgram acceptAll() {
        return ACCEPT_ALL;
    }

    /**
     * Compiles a pcap-filter expression ({@code pcap-filter(7)}) for Ethernet frames
     * ({@code LINKTYPE_ETHERNET}), in pure Java; the program accepts with {@value #ACCEPT_SNAPLEN}
     * and rejects with 0, as tcpdump's do, and gives the same verdicts as tcpdump's program for the
     * same expression.
     *
     * <p>The language of libpcap 1.10 for Ethernet (the README's filter section lists it and every
     * deliberate difference): protocols {@code ether ip ip6 arp rarp tcp udp sctp icmp icmp6 igmp
     * igrp pim vrrp carp ah esp atalk aarp decnet lat sca mopdl moprc iso stp ipx netbeui};
     * {@code [src|dst|src or dst|src and dst] host|net|port|portrange} with the qualifiers
     * pcap-filter allows; addresses, networks ({@code /len}, {@code mask}), MAC addresses in every
     * form libpcap reads, and names: host names (every address the system resolver gives),
     * {@code /etc/networks}, {@code /etc/ethers}, {@code /etc/services}, {@code /etc/protocols},
     * backslash-escaped keywords ({@code ether proto \arp}); {@code ether proto} EtherTypes and
     * LLC SAPs; {@code [ether|ip|ip6] broadcast|multicast} ({@code ip broadcast} needs a netmask:
     * {@link #compile(String, int, Options)}); {@code vlan [id]} (which moves every later
     * network-layer offset by 4 bytes); {@code less}, {@code greater}, {@code byte N op M};
     * comparisons of arithmetic over {@code len}, numbers and packet bytes {@code proto[expr:size]};
     * {@code and or not && || !} (and/or of equal precedence, left to right), parentheses, and a
     * bare value repeating the qualifiers before it ({@code port 80 or 443}). The empty (or blank)
     * filter accepts everything.
     *
     * @param pcapFilter the filter expression ({@code pcap-filter(7)})
     * @return the program
     * @throws IllegalArgumentException if the expression does not parse or asks for something that
     *                                  cannot be compiled; the message gives the position (0-based
     *                                  character index) and what was expected there
     */
    public static BpfProgram compile(String pcapFilter) {
        return compile(pcapFilter, Target.OFFLINE);
    }

    /**
     * Compiles a pcap-filter expression as {@link #compile(String)} does, for the given target: the
     * code differs only for {@code vlan} (see {@link Target#LINUX_SOCKET}), which for a live Linux
     * socket is what libpcap generates there. Run such a program in Java with a {@link PacketMeta}
     * ({@link #matches(byte[], int, PacketMeta)}); without one its metadata loads reject.
     *
     * @param pcapFilter the filter expression ({@code pcap-filter(7)})
     * @param target where the program will run
     * @return the program
     * @throws IllegalArgumentException as {@link #compile(String)}, or if {@code target} is null
     */
    public static BpfProgram compile(String pcapFilter, Target target) {
        if (target == null) {
            throw new IllegalArgumentException("target is null");
        }
        return compile(pcapFilter, LinkType.ETHERNET, Options.defaults().withTarget(target));
    }

    /**
     * Compiles a pcap-filter expression for packets of a link type, as {@code tcpdump -y LINKTYPE -dd}
     * (libpcap's {@code pcap_compile} on a handle of that link type) does: {@link LinkType#ETHERNET},
     * {@link LinkType#RAW}, {@link LinkType#IPV4}, {@link LinkType#IPV6}, {@link LinkType#LINUX_SLL},
     * {@link LinkType#LINUX_SLL2}, {@link LinkType#NULL} and {@link LinkType#LOOP}. Protocol tests
     * read each link type's own header (an SLL protocol field, a loopback address family, a raw IP
     * version); keywords a link type cannot support are refused as libpcap refuses them
     * ({@code vlan} and Ethernet addresses, broadcast and multicast off Ethernet). A protocol the
     * link type cannot carry ({@code arp} on raw IP) compiles to a program that rejects everything,
     * where libpcap's optimizer refuses it ("expression rejects all packets"). {@code NULL} reads
     * the address family as a little-endian capture stores it.
     *
     * @param pcapFilter the filter expression ({@code pcap-filter(7)})
     * @param linkType   the link type of the packets ({@link LinkType})
     * @param options    the target, snapshot length, netmask and optimizer switch
     * @return the program
     * @throws IllegalArgumentException as {@link #compile(String)}; or if the link type is not one
     *                                  of those above, or {@code options} is null
     */
    public static BpfProgram compile(String pcapFilter, int linkType, Options options) {
        if (options == null) {
            throw new IllegalArgumentException("options is null");
        }
        return new BpfProgram(BpfCompiler.compile(pcapFilter, linkType, options), true);
    }

    private static final Pattern DD_LINE = Pattern.compile(
            "\\{\\s*(0[xX][0-9a-fA-F]+|\\d+)\\s*,\\s*(0[xX][0-9a-fA-F]+|\\d+)\\s*,\\s*"
                    + "(0[xX][0-9a-fA-F]+|\\d+)\\s*,\\s*(0[xX][0-9a-fA-F]+|\\d+)\\s*}\\s*,?");

    /**
     * Reads the output of {@code tcpdump -dd} (or {@code bpf_dump(3PCAP)} level 1): one
     * {@code { code, jt, jf, k },} per line, decimal or 0x-hexadecimal. Blank lines and lines
     * without a brace (such as tcpdump's "reading from file" notice) are ignored.
     *
     * @param tcpdumpDd the {@code tcpdump -dd} text
     * @return the program
     * @throws IllegalArgumentException if a line does not parse (the message names the line) or the
     *                                  program fails the verifier
     */
    public static BpfProgram parse(String tcpdumpDd) {
        List<BpfInstruction> out = new ArrayList<>();
        String[] lines = tcpdumpDd.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.indexOf('{') < 0) {
                continue;
            }
            Matcher m = DD_LINE.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException("line " + (i + 1) + ": expected { code, jt, jf, k }, got: " + line);
            }
            try {
                long code = number(m.group(1));
                long jt = number(m.group(2));
                long jf = number(m.group(3));
                long k = number(m.group(4));
                if (code > 0xffff || jt > 0xff || jf > 0xff || k > 0xffffffffL) {
                    throw new IllegalArgumentException("line " + (i + 1) + ": field out of range: " + line);
                }
                out.add(new BpfInstruction((int) code, (int) jt, (int) jf, (int) k));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("line " + (i + 1) + ": number out of range: " + line, e);
            }
        }
        return new BpfProgram(out);
    }

    private static long number(String s) {
        return s.startsWith("0x") || s.startsWith("0X") ? Long.parseLong(s.substring(2), 16) : Long.parseLong(s);
    }

    /**
     * Whether a {@code ja} in the program goes backwards. Only {@code protochain} compiles to such a
     * loop (as libpcap's does). The kernel refuses to attach it ({@code EINVAL}), so it runs in user
     * space, where {@link #run} gives up on a packet after 65,536 backward jumps and rejects it.
     *
     * @return true for a program with a loop
     */
    public boolean jumpsBackward() {
        return backward;
    }

    /**
     * {@return this program with every {@code ret #k} above {@code snaplen} lowered to it, as libpcap
     * does before attaching a filter ({@code pcap-linux.c}): the kernel copies no more of a packet than
     * its filter returns, so long packets do not fill a capture ring with bytes that would be cut
     * anyway; this program itself when nothing changes} A {@code ret a} is left as it is.
     *
     * @param snaplen the most bytes to keep of a packet, at least 1
     * @throws IllegalArgumentException if {@code snaplen < 1}
     */
    public BpfProgram withSnaplen(int snaplen) {
        if (snaplen < 1) {
            throw new IllegalArgumentException("snaplen must be at least 1: " + snaplen);
        }
        List<BpfInstruction> out = null;
        for (int i = 0; i < instructions.size(); i++) {
            BpfInstruction in = instructions.get(i);
            if (in.code() == (RET | K) && Integer.compareUnsigned(in.k(), snaplen) > 0) {
                if (out == null) {
                    out = new ArrayList<>(instructions);
                }
                out.set(i, new BpfInstruction(in.code(), in.jt(), in.jf(), snaplen));
            }
        }
        return out == null ? this : new BpfProgram(out, backward);
    }

    /** The length of the {@link LinkType#LINUX_SLL2} pseudo-header. */
    private static final int SLL2_HDR_LEN = 20;

    /**
     * {@return this program, written for {@link LinkType#LINUX_SLL2} frames, rewritten for a Linux
     * {@code SOCK_DGRAM} packet socket, whose filter sees the packet from its network header on with no
     * link-layer header; null when it reads a header field the kernel cannot supply (then the filter
     * has to run in user space)} As libpcap's {@code fix_program}/{@code fix_offset} in
     * {@code pcap-linux.c}: every absolute or indexed load (and {@code ldx msh}) at an offset of 20 or
     * more moves back by the 20-byte header; a load at 0 (the protocol) becomes
     * {@code SKF_AD_OFF + SKF_AD_PROTOCOL}, at 4 (the interface index) {@code SKF_AD_IFINDEX}, at 10
     * (the packet type) {@code SKF_AD_PKTTYPE}; loads already in the ancillary area stay. Any other
     * offset inside the header (the hardware type, the address) cannot be rewritten.
     */
    public BpfProgram forCookedSocket() {
        List<BpfInstruction> out = new ArrayList<>(instructions.size());
        for (BpfInstruction in : instructions) {
            int cls = in.code() & 0x07;
            int mode = in.code() & 0xe0;
            if ((cls == LD || cls == LDX) && (mode == ABS || mode == IND || mode == MSH)
                    && Integer.compareUnsigned(in.k(), SKF_AD_OFF) < 0) {
                int k = in.k();
                if (k >= SLL2_HDR_LEN) {
                    k -= SLL2_HDR_LEN;
                } else if (k == 0) {
                    k = SKF_AD_OFF + SKF_AD_PROTOCOL;
                } else if (k == 4) {
                    k = SKF_AD_OFF + SKF_AD_IFINDEX;
                } else if (k == 10) {
                    k = SKF_AD_OFF + SKF_AD_PKTTYPE;
                } else if (k > 0) {
                    return null;
                }
                in = new BpfInstruction(in.code(), in.jt(), in.jf(), k);
            }
            out.add(in);
        }
        return new BpfProgram(out);
    }

    /** {@return the instructions, unmodifiable} */
    public List<BpfInstruction> instructions() {
        return instructions;
    }

    /** {@return the number of instructions ({@code sock_fprog.len})} */
    public int size() {
        return instructions.size();
    }

    /** Bytes one instruction takes in a {@code struct sock_filter} array. */
    public static final int INSTRUCTION_BYTES = 8;

    /**
     * {@return the program as the {@code struct sock_filter} array {@code SO_ATTACH_FILTER} points at, in
     * native byte order: per instruction {@code u16 code, u8 jt, u8 jf, u32 k}, 8 bytes}
     */
    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(size() * INSTRUCTION_BYTES);
        encode(b);
        return b.array();
    }

    /**
     * Writes the {@code struct sock_filter} array at the buffer's position, in native byte order
     * whatever the buffer's order, and advances the position by {@code 8 * size()}.
     *
     * @param dst where to write
     * @throws java.nio.BufferOverflowException if fewer bytes remain
     */
    public void encode(ByteBuffer dst) {
        if (dst.remaining() < size() * INSTRUCTION_BYTES) {
            throw new java.nio.BufferOverflowException();
        }
        ByteOrder saved = dst.order();
        dst.order(ByteOrder.nativeOrder());
        try {
            for (BpfInstruction in : instructions) {
                dst.putShort((short) in.code()).put((byte) in.jt()).put((byte) in.jf()).putInt(in.k());
            }
        } finally {
            dst.order(saved);
        }
    }

    /**
     * Writes the {@code struct sock_filter} array at the start of a segment (native or heap), in
     * native byte order.
     *
     * @param dst where to write
     * @throws IndexOutOfBoundsException if the segment is smaller than {@code 8 * size()} bytes
     */
    public void encode(MemorySegment dst) {
        long need = (long) size() * INSTRUCTION_BYTES;
        if (dst.byteSize() < need) {
            throw new IndexOutOfBoundsException("segment of " + dst.byteSize() + " bytes, program needs " + need);
        }
        long off = 0;
        for (BpfInstruction in : instructions) {
            dst.set(ValueLayout.JAVA_SHORT_UNALIGNED, off, (short) in.code());
            dst.set(ValueLayout.JAVA_BYTE, off + 2, (byte) in.jt());
            dst.set(ValueLayout.JAVA_BYTE, off + 3, (byte) in.jf());
            dst.set(ValueLayout.JAVA_INT_UNALIGNED, off + 4, in.k());
            off += INSTRUCTION_BYTES;
        }
    }

    /**
     * {@return whether the program accepts the frame (returns non-zero); the wire length is the frame's length}
     *
     * @param frame the frame, from its first byte
     */
    public boolean matches(byte[] frame) {
        return run(frame, 0, frame.length, frame.length) != 0;
    }

    /**
     * {@return whether the program accepts a frame cut to {@code frame.length} bytes of a packet that was
     * {@code wireLength} bytes long ({@code len} and {@code ld #pktlen} see the wire length)}
     *
     * @param frame the frame, from its first byte
     * @param wireLength the packet's length on the wire, at least the captured length
     * @throws IllegalArgumentException if {@code wireLength < frame.length}
     */
    public boolean matches(byte[] frame, int wireLength) {
        return run(frame, 0, frame.length, wireLength) != 0;
    }

    /**
     * {@return whether the program accepts a frame cut to {@code frame.length} bytes of a packet that was
     * {@code wireLength} bytes long, with the metadata a socket's filter would see (null: none, so
     * that ancillary loads reject)}
     *
     * @param frame the frame, from its first byte
     * @param wireLength the packet's length on the wire, at least the captured length
     * @param meta the packet metadata, or null for none
     * @throws IllegalArgumentException if {@code wireLength < frame.length}
     */
    public boolean matches(byte[] frame, int wireLength, PacketMeta meta) {
        return run(frame, 0, frame.length, wireLength, meta) != 0;
    }

    /**
     * {@return whether the program accepts the bytes from the buffer's position to its limit; the position is unchanged}
     *
     * @param frame the frame, from position to limit
     */
    public boolean matches(ByteBuffer frame) {
        int len = frame.remaining();
        if (frame.hasArray()) {
            return run(frame.array(), frame.arrayOffset() + frame.position(), len, len) != 0;
        }
        byte[] copy = new byte[len];
        frame.get(frame.position(), copy);
        return run(copy, 0, len, len) != 0;
    }

    /**
     * {@return whether the program accepts a captured or stored packet: its data from position to limit, with
     * {@code len} seeing its wire length (or the captured length, if a damaged record claims less)}
     * A frame holds its VLAN tags in its bytes (a capture puts back the tag the kernel took off, a
     * pcap file stores them), so the program runs with {@link PacketMeta#untagged()}: a
     * {@link Target#LINUX_SOCKET} program then finds the tags in the packet and gives the verdict
     * the socket gave.
     *
     * @param frame the stored or captured packet
     */
    public boolean matches(Frame frame) {
        return matches(frame, PacketMeta.untagged());
    }

    /**
     * {@link #matches(Frame)} with the given metadata (null: none, so that ancillary loads reject).
     *
     * @param frame the stored or captured packet
     * @param meta the packet metadata, or null for none
     * @return whether the program accepts the frame
     */
    public boolean matches(Frame frame, PacketMeta meta) {
        ByteBuffer data = frame.data();
        int len = data.remaining();
        int wire = Math.max(frame.wireLength(), len);
        if (data.hasArray()) {
            return run(data.array(), data.arrayOffset() + data.position(), len, wire, meta) != 0;
        }
        byte[] copy = new byte[len];
        data.get(data.position(), copy);
        return run(copy, 0, len, wire, meta) != 0;
    }

    /**
     * {@return the frame's verdict and the captured length, as the kernel runs the program}
     *
     * @param frame the frame, from its first byte
     * @param wireLength the packet's length on the wire, at least the captured length
     */
    public int run(byte[] frame, int wireLength) {
        return run(frame, 0, frame.length, wireLength);
    }

    /**
     * Runs the program over {@code length} bytes of {@code packet} from {@code offset}, for a packet
     * that was {@code wireLength} bytes on the wire, and returns what the program returns: 0 drops the
     * packet, anything else is the number of bytes to keep.
     *
     * @param packet the array holding the packet
     * @param offset index of the packet's first byte
     * @param length the captured length in bytes
     * @param wireLength the packet's length on the wire, at least the captured length
     * @return what the program returns: 0 to drop, else the number of bytes to keep
     * @throws IndexOutOfBoundsException if the range is outside the array
     * @throws IllegalArgumentException  if {@code wireLength < length}
     */
    public int run(byte[] packet, int offset, int length, int wireLength) {
        return run(packet, offset, length, wireLength, null);
    }

    /**
     * {@link #run(byte[], int, int, int)} with packet metadata for the ancillary loads
     * ({@code ld [SKF_AD_OFF + SKF_AD_*]}), which read it whatever their size, as the kernel does;
     * null: no metadata, so that every ancillary load ends the program with 0.
     *
     * @param packet the array holding the packet
     * @param offset index of the packet's first byte
     * @param length the captured length in bytes
     * @param wireLength the packet's length on the wire, at least the captured length
     * @param meta the packet metadata, or null for none
     * @return what the program returns: 0 to drop, else the number of bytes to keep
     */
    public int run(byte[] packet, int offset, int length, int wireLength, PacketMeta meta) {
        java.util.Objects.checkFromIndexSize(offset, length, packet.length);
        if (wireLength < length) {
            throw new IllegalArgumentException("wire length " + wireLength + " < captured length " + length);
        }
        final byte[] ops = this.ops;
        final int[] ks = this.ks;
        final byte[] jts = this.jts;
        final byte[] jfs = this.jfs;
        int a = 0;
        int x = 0;
        int[] mem = null;
        int pc = 0;
        int loops = 0;
        while (true) {
            int k = ks[pc];
            switch (ops[pc]) {
                case O_LD_W_ABS, O_LD_H_ABS, O_LD_B_ABS -> {
                    if (k < 0) {  // SKF_AD_OFF + n: the kernel's packet metadata, not packet bytes
                        long v = ancillary(k, meta, a, x);
                        if (v < 0) {
                            return 0;
                        }
                        a = (int) v;
                        break;
                    }
                    int size = ops[pc] == O_LD_W_ABS ? 4 : ops[pc] == O_LD_H_ABS ? 2 : 1;
                    if (k > length - size) {
                        return 0;
                    }
                    a = size == 4 ? word(packet, offset + k) : size == 2 ? half(packet, offset + k) : packet[offset + k] & 0xff;
                }
                case O_LD_W_IND -> {
                    int at = x + k; // 32-bit, signed, as the kernel computes it
                    if (at < 0 || at > length - 4) {
                        return 0;
                    }
                    a = word(packet, offset + at);
                }
                case O_LD_H_IND -> {
                    int at = x + k;
                    if (at < 0 || at > length - 2) {
                        return 0;
                    }
                    a = half(packet, offset + at);
                }
                case O_LD_B_IND -> {
                    int at = x + k;
                    if (at < 0 || at >= length) {
                        return 0;
                    }
                    a = packet[offset + at] & 0xff;
                }
                case O_LD_LEN -> a = wireLength;
                case O_LDX_LEN -> x = wireLength;
                case O_LD_IMM -> a = k;
                case O_LDX_IMM -> x = k;
                case O_LD_MEM -> a = mem[k]; // the verifier proved a store came first
                case O_LDX_MEM -> x = mem[k];
                case O_LDX_MSH -> {
                    if (k < 0 || k >= length) {
                        return 0;
                    }
                    x = (packet[offset + k] & 0xf) << 2;
                }
                case O_ST -> {
                    if (mem == null) {
                        mem = new int[MEMORY_WORDS];
                    }
                    mem[k] = a;
                }
                case O_STX -> {
                    if (mem == null) {
                        mem = new int[MEMORY_WORDS];
                    }
                    mem[k] = x;
                }
                case O_ADD_K -> a += k;
                case O_ADD_X -> a += x;
                case O_SUB_K -> a -= k;
                case O_SUB_X -> a -= x;
                case O_MUL_K -> a *= k;
                case O_MUL_X -> a *= x;
                case O_DIV_K -> a = Integer.divideUnsigned(a, k);
                case O_DIV_X -> {
                    if (x == 0) {
                        return 0;
                    }
                    a = Integer.divideUnsigned(a, x);
                }
                case O_MOD_K -> a = Integer.remainderUnsigned(a, k);
                case O_MOD_X -> {
                    if (x == 0) {
                        return 0;
                    }
                    a = Integer.remainderUnsigned(a, x);
                }
                case O_AND_K -> a &= k;
                case O_AND_X -> a &= x;
                case O_OR_K -> a |= k;
                case O_OR_X -> a |= x;
                case O_XOR_K -> a ^= k;
                case O_XOR_X -> a ^= x;
                case O_LSH_K -> a <<= k;
                case O_LSH_X -> a <<= x; // Java uses the low five bits, as the kernel's 32-bit ALU does
                case O_RSH_K -> a >>>= k;
                case O_RSH_X -> a >>>= x;
                case O_NEG -> a = -a;
                case O_TAX -> x = a;
                case O_TXA -> a = x;
                case O_RET_K -> {
                    return k;
                }
                case O_RET_A -> {
                    return a;
                }
                case O_JA -> {
                    if (k < 0 && ++loops > MAX_BACKWARD_JUMPS) {
                        return 0;
                    }
                    pc += k;
                }
                case O_JEQ_K -> pc += a == k ? jts[pc] & 0xff : jfs[pc] & 0xff;
                case O_JEQ_X -> pc += a == x ? jts[pc] & 0xff : jfs[pc] & 0xff;
                case O_JGT_K -> pc += Integer.compareUnsigned(a, k) > 0 ? jts[pc] & 0xff : jfs[pc] & 0xff;
                case O_JGT_X -> pc += Integer.compareUnsigned(a, x) > 0 ? jts[pc] & 0xff : jfs[pc] & 0xff;
                case O_JGE_K -> pc += Integer.compareUnsigned(a, k) >= 0 ? jts[pc] & 0xff : jfs[pc] & 0xff;
                case O_JGE_X -> pc += Integer.compareUnsigned(a, x) >= 0 ? jts[pc] & 0xff : jfs[pc] & 0xff;
                case O_JSET_K -> pc += (a & k) != 0 ? jts[pc] & 0xff : jfs[pc] & 0xff;
                case O_JSET_X -> pc += (a & x) != 0 ? jts[pc] & 0xff : jfs[pc] & 0xff;
                default -> throw new AssertionError("undecoded op " + ops[pc]);
            }
            pc++;
        }
    }

    /** An ancillary load's value, or -1 when it rejects (no metadata, an unknown field, not an SKF_AD offset). */
    private static long ancillary(int k, PacketMeta meta, int a, int x) {
        if (meta == null || !knownAncillary(k)) {
            return -1;
        }
        return switch (k - SKF_AD_OFF) {
            case SKF_AD_VLAN_TAG_PRESENT -> meta.vlanPresent() ? 1 : 0;
            case SKF_AD_VLAN_TAG -> meta.vlanPresent() ? meta.vlanTci() : 0;
            case SKF_AD_VLAN_TPID -> meta.vlanPresent() ? (meta.vlanTpid() < 0 ? 0x8100 : meta.vlanTpid()) : 0;
            case SKF_AD_PROTOCOL -> meta.protocol();
            case SKF_AD_PKTTYPE -> meta.packetType();
            case SKF_AD_IFINDEX -> meta.ifindex();
            case SKF_AD_HATYPE -> meta.hardwareType();
            case SKF_AD_ALU_XOR_X -> Integer.toUnsignedLong(a ^ x);
            default -> -1;
        };
    }

    private static int word(byte[] p, int i) {
        return ((p[i] & 0xff) << 24) | ((p[i + 1] & 0xff) << 16) | ((p[i + 2] & 0xff) << 8) | (p[i + 3] & 0xff);
    }

    private static int half(byte[] p, int i) {
        return ((p[i] & 0xff) << 8) | (p[i + 1] & 0xff);
    }

    // The interpreter's dense operation numbers: a tableswitch instead of a sparse one over opcodes.
    private static final byte O_LD_W_ABS = 0, O_LD_H_ABS = 1, O_LD_B_ABS = 2, O_LD_W_IND = 3, O_LD_H_IND = 4,
            O_LD_B_IND = 5, O_LD_LEN = 6, O_LDX_LEN = 7, O_LD_IMM = 8, O_LDX_IMM = 9, O_LD_MEM = 10, O_LDX_MEM = 11,
            O_LDX_MSH = 12, O_ST = 13, O_STX = 14, O_ADD_K = 15, O_ADD_X = 16, O_SUB_K = 17, O_SUB_X = 18,
            O_MUL_K = 19, O_MUL_X = 20, O_DIV_K = 21, O_DIV_X = 22, O_MOD_K = 23, O_MOD_X = 24, O_AND_K = 25,
            O_AND_X = 26, O_OR_K = 27, O_OR_X = 28, O_XOR_K = 29, O_XOR_X = 30, O_LSH_K = 31, O_LSH_X = 32,
            O_RSH_K = 33, O_RSH_X = 34, O_NEG = 35, O_TAX = 36, O_TXA = 37, O_RET_K = 38, O_RET_A = 39, O_JA = 40,
            O_JEQ_K = 41, O_JEQ_X = 42, O_JGT_K = 43, O_JGT_X = 44, O_JGE_K = 45, O_JGE_X = 46, O_JSET_K = 47,
            O_JSET_X = 48;

    private static byte decode(int code) {
        return switch (code) {
            case LD | W | ABS -> O_LD_W_ABS;
            case LD | H | ABS -> O_LD_H_ABS;
            case LD | B | ABS -> O_LD_B_ABS;
            case LD | W | IND -> O_LD_W_IND;
            case LD | H | IND -> O_LD_H_IND;
            case LD | B | IND -> O_LD_B_IND;
            case LD | W | LEN -> O_LD_LEN;
            case LDX | W | LEN -> O_LDX_LEN;
            case LD | IMM -> O_LD_IMM;
            case LDX | IMM -> O_LDX_IMM;
            case LD | MEM -> O_LD_MEM;
            case LDX | MEM -> O_LDX_MEM;
            case LDX | B | MSH -> O_LDX_MSH;
            case ST -> O_ST;
            case STX -> O_STX;
            case ALU | ADD | K -> O_ADD_K;
            case ALU | ADD | X -> O_ADD_X;
            case ALU | SUB | K -> O_SUB_K;
            case ALU | SUB | X -> O_SUB_X;
            case ALU | MUL | K -> O_MUL_K;
            case ALU | MUL | X -> O_MUL_X;
            case ALU | DIV | K -> O_DIV_K;
            case ALU | DIV | X -> O_DIV_X;
            case ALU | MOD | K -> O_MOD_K;
            case ALU | MOD | X -> O_MOD_X;
            case ALU | AND | K -> O_AND_K;
            case ALU | AND | X -> O_AND_X;
            case ALU | OR | K -> O_OR_K;
            case ALU | OR | X -> O_OR_X;
            case ALU | XOR | K -> O_XOR_K;
            case ALU | XOR | X -> O_XOR_X;
            case ALU | LSH | K -> O_LSH_K;
            case ALU | LSH | X -> O_LSH_X;
            case ALU | RSH | K -> O_RSH_K;
            case ALU | RSH | X -> O_RSH_X;
            case ALU | NEG -> O_NEG;
            case MISC | TAX -> O_TAX;
            case MISC | TXA -> O_TXA;
            case RET | K -> O_RET_K;
            case RET | A -> O_RET_A;
            case JMP | JA -> O_JA;
            case JMP | JEQ | K -> O_JEQ_K;
            case JMP | JEQ | X -> O_JEQ_X;
            case JMP | JGT | K -> O_JGT_K;
            case JMP | JGT | X -> O_JGT_X;
            case JMP | JGE | K -> O_JGE_K;
            case JMP | JGE | X -> O_JGE_X;
            case JMP | JSET | K -> O_JSET_K;
            case JMP | JSET | X -> O_JSET_X;
            default -> throw new AssertionError("verifier let opcode 0x" + Integer.toHexString(code) + " through");
        };
    }

    /**
     * The verifier: the checks of the kernel's {@code bpf_check_classic} and
     * {@code check_load_and_stores} (net/core/filter.c).
     *
     * @throws IllegalArgumentException naming the first offending instruction
     */
    static void verify(List<BpfInstruction> prog) {
        verify(prog, false);
    }

    /** {@code backward}: a {@code ja} may also go back to an earlier instruction (never into the kernel). */
    static void verify(List<BpfInstruction> prog, boolean backward) {
        int n = prog.size();
        if (n < 1 || n > MAX_INSTRUCTIONS) {
            throw new IllegalArgumentException("a BPF program has 1.." + MAX_INSTRUCTIONS + " instructions, this one " + n);
        }
        for (int pc = 0; pc < n; pc++) {
            BpfInstruction in = prog.get(pc);
            int code = in.code();
            long k = in.unsignedK();
            if (!ALLOWED[code]) {
                throw bad(pc, in, "unknown opcode 0x" + Integer.toHexString(code));
            }
            switch (code) {
                case ALU | DIV | K, ALU | MOD | K -> {
                    if (k == 0) {
                        throw bad(pc, in, "division by constant zero");
                    }
                }
                case ALU | LSH | K, ALU | RSH | K -> {
                    if (k >= 32) {
                        throw bad(pc, in, "shift by " + k + " (must be below 32)");
                    }
                }
                case LD | MEM, LDX | MEM, ST, STX -> {
                    if (k >= MEMORY_WORDS) {
                        throw bad(pc, in, "scratch memory index " + k + " (must be below " + MEMORY_WORDS + ")");
                    }
                }
                case LD | W | ABS, LD | H | ABS, LD | B | ABS -> {
                    // bpf_check_classic: an offset in the ancillary area must name a known extension.
                    if (k >= (SKF_AD_OFF & 0xffffffffL) && !knownAncillary(in.k())) {
                        throw bad(pc, in, "unknown ancillary load SKF_AD_OFF + " + (in.k() - SKF_AD_OFF));
                    }
                }
                case JMP | JA -> {
                    if (backward && in.k() < 0 && pc + 1 + in.k() >= 0) {
                        break; // a loop back, for user space only
                    }
                    if (k >= n - pc - 1) {
                        throw bad(pc, in, "jump past the end of the program");
                    }
                }
                default -> {
                    if ((code & 0x07) == JMP) {
                        if (pc + 1 + in.jt() >= n || pc + 1 + in.jf() >= n) {
                            throw bad(pc, in, "jump past the end of the program");
                        }
                    }
                }
            }
        }
        int last = prog.get(n - 1).code();
        if (last != (RET | K) && last != (RET | A)) {
            throw bad(n - 1, prog.get(n - 1), "the last instruction must be a return");
        }
        // Scratch memory must be written on every path before it is read: as all jumps go forward,
        // one pass in program order sees every predecessor of an instruction before it.
        int[] valid = new int[n];
        Arrays.fill(valid, -1);
        valid[0] = 0;
        for (int pc = 0; pc < n; pc++) {
            int memValid = valid[pc];
            if (memValid == -1) {
                continue; // unreachable: the kernel does not care what it holds
            }
            BpfInstruction in = prog.get(pc);
            int code = in.code();
            switch (code) {
                case ST, STX -> memValid |= 1 << in.k();
                case LD | MEM, LDX | MEM -> {
                    if ((memValid & (1 << in.k())) == 0) {
                        throw bad(pc, in, "reads scratch memory M[" + in.k() + "] before any store to it");
                    }
                }
                default -> { }
            }
            if ((code & 0x07) == RET) {
                continue;
            }
            if (code == (JMP | JA)) {
                flow(valid, pc + 1 + in.k(), memValid);
            } else if ((code & 0x07) == JMP) {
                flow(valid, pc + 1 + in.jt(), memValid);
                flow(valid, pc + 1 + in.jf(), memValid);
            } else {
                flow(valid, pc + 1, memValid);
            }
        }
    }

    private static void flow(int[] valid, int to, int mask) {
        if (to < 0 || valid.length <= to) {
            return;
        }
        // A loop back adds nothing: its head was reached first with no more scratch memory written.
        valid[to] = valid[to] == -1 ? mask : valid[to] & mask;
    }

    private static IllegalArgumentException bad(int pc, BpfInstruction in, String why) {
        return new IllegalArgumentException("invalid BPF program at instruction " + pc + " " + in + ": " + why);
    }

    /** {@return the program in {@code tcpdump -dd} form, one {@code { code, jt, jf, k },} per line; {@link #parse} reads it back} */
    public String toDdString() {
        StringBuilder sb = new StringBuilder();
        for (BpfInstruction in : instructions) {
            sb.append(in).append('\n');
        }
        return sb.toString();
    }

    /** The program as {@code tcpdump -d} prints it ({@code bpf_image(3PCAP)}), one instruction a line. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < instructions.size(); i++) {
            sb.append(image(instructions.get(i), i)).append('\n');
        }
        return sb.toString();
    }

    private static String image(BpfInstruction p, int n) {
        int k = p.k();
        long uk = p.unsignedK();
        String op;
        String operand;
        switch (p.code()) {
            case RET | K -> { op = "ret"; operand = "#" + uk; }
            case RET | A -> { op = "ret"; operand = ""; }
            case LD | W | ABS -> { op = "ld"; operand = "[" + absOperand(k) + "]"; }
            case LD | H | ABS -> { op = "ldh"; operand = "[" + absOperand(k) + "]"; }
            case LD | B | ABS -> { op = "ldb"; operand = "[" + absOperand(k) + "]"; }
            case LD | W | LEN -> { op = "ld"; operand = "#pktlen"; }
            case LD | W | IND -> { op = "ld"; operand = "[x + " + uk + "]"; }
            case LD | H | IND -> { op = "ldh"; operand = "[x + " + uk + "]"; }
            case LD | B | IND -> { op = "ldb"; operand = "[x + " + uk + "]"; }
            case LD | IMM -> { op = "ld"; operand = "#0x" + Integer.toHexString(k); }
            case LDX | IMM -> { op = "ldx"; operand = "#0x" + Integer.toHexString(k); }
            case LDX | W | LEN -> { op = "ldx"; operand = "#pktlen"; }
            case LDX | B | MSH -> { op = "ldxb"; operand = "4*([" + uk + "]&0xf)"; }
            case LD | MEM -> { op = "ld"; operand = "M[" + uk + "]"; }
            case LDX | MEM -> { op = "ldx"; operand = "M[" + uk + "]"; }
            case ST -> { op = "st"; operand = "M[" + uk + "]"; }
            case STX -> { op = "stx"; operand = "M[" + uk + "]"; }
            case JMP | JA -> { op = "ja"; operand = Long.toString(n + 1 + (p.k() < 0 ? p.k() : uk)); }
            case JMP | JGT | K -> { op = "jgt"; operand = "#0x" + Integer.toHexString(k); }
            case JMP | JGE | K -> { op = "jge"; operand = "#0x" + Integer.toHexString(k); }
            case JMP | JEQ | K -> { op = "jeq"; operand = "#0x" + Integer.toHexString(k); }
            case JMP | JSET | K -> { op = "jset"; operand = "#0x" + Integer.toHexString(k); }
            case JMP | JGT | X -> { op = "jgt"; operand = "x"; }
            case JMP | JGE | X -> { op = "jge"; operand = "x"; }
            case JMP | JEQ | X -> { op = "jeq"; operand = "x"; }
            case JMP | JSET | X -> { op = "jset"; operand = "x"; }
            case ALU | ADD | X -> { op = "add"; operand = "x"; }
            case ALU | SUB | X -> { op = "sub"; operand = "x"; }
            case ALU | MUL | X -> { op = "mul"; operand = "x"; }
            case ALU | DIV | X -> { op = "div"; operand = "x"; }
            case ALU | MOD | X -> { op = "mod"; operand = "x"; }
            case ALU | AND | X -> { op = "and"; operand = "x"; }
            case ALU | OR | X -> { op = "or"; operand = "x"; }
            case ALU | XOR | X -> { op = "xor"; operand = "x"; }
            case ALU | LSH | X -> { op = "lsh"; operand = "x"; }
            case ALU | RSH | X -> { op = "rsh"; operand = "x"; }
            case ALU | ADD | K -> { op = "add"; operand = "#" + uk; }
            case ALU | SUB | K -> { op = "sub"; operand = "#" + uk; }
            case ALU | MUL | K -> { op = "mul"; operand = "#" + uk; }
            case ALU | DIV | K -> { op = "div"; operand = "#" + uk; }
            case ALU | MOD | K -> { op = "mod"; operand = "#" + uk; }
            case ALU | AND | K -> { op = "and"; operand = "#0x" + Integer.toHexString(k); }
            case ALU | OR | K -> { op = "or"; operand = "#0x" + Integer.toHexString(k); }
            case ALU | XOR | K -> { op = "xor"; operand = "#0x" + Integer.toHexString(k); }
            case ALU | LSH | K -> { op = "lsh"; operand = "#" + uk; }
            case ALU | RSH | K -> { op = "rsh"; operand = "#" + uk; }
            case ALU | NEG -> { op = "neg"; operand = ""; }
            case MISC | TAX -> { op = "tax"; operand = ""; }
            case MISC | TXA -> { op = "txa"; operand = ""; }
            default -> { op = "unimp"; operand = "0x" + Integer.toHexString(p.code()); }
        }
        if ((p.code() & 0x07) == JMP && p.code() != (JMP | JA)) {
            return String.format("(%03d) %-8s %-16s jt %d\tjf %d", n, op, operand, n + 1 + p.jt(), n + 1 + p.jf());
        }
        return String.format("(%03d) %-8s %s", n, op, operand);
    }

    /** An absolute load's operand as bpf_image prints it: ancillary loads by their libpcap names. */
    private static String absOperand(int k) {
        if (!knownAncillary(k)) {
            return Long.toString(Integer.toUnsignedLong(k));
        }
        return switch (k - SKF_AD_OFF) {
            case SKF_AD_PROTOCOL -> "proto";
            case SKF_AD_PKTTYPE -> "type";
            case SKF_AD_IFINDEX -> "ifidx";
            case SKF_AD_NLATTR -> "nla";
            case SKF_AD_NLATTR_NEST -> "nlan";
            case SKF_AD_MARK -> "mark";
            case SKF_AD_QUEUE -> "queue";
            case SKF_AD_HATYPE -> "hatype";
            case SKF_AD_RXHASH -> "rxhash";
            case SKF_AD_CPU -> "cpu";
            case SKF_AD_ALU_XOR_X -> "xor_x";
            case SKF_AD_VLAN_TAG -> "vlan_tci";
            case SKF_AD_VLAN_TAG_PRESENT -> "vlanp";
            case SKF_AD_PAY_OFFSET -> "poff";
            case SKF_AD_RANDOM -> "random";
            default -> "vlan_tpid";
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BpfProgram other && instructions.equals(other.instructions);
    }

    @Override
    public int hashCode() {
        return instructions.hashCode();
    }
}
