package dev.rawsock;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Run by {@link InterfacesNetnsTest} inside the test's own network namespace ({@code ip netns exec}):
 * reads one command per line on stdin, does it with {@link Interfaces} or {@link Rawsock#configdev},
 * and answers one line: {@code ok [result]}, or {@code err <exception class> <errno name or message>}.
 * It changes nothing by itself: everything it touches is what the parent names, in the namespace.
 */
public final class IfConfigChild {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] a = line.trim().split(" ");
            if (a[0].equals("quit")) break;
            String out;
            try {
                out = "ok " + run(a);
            } catch (ErrnoException e) {
                out = "err ErrnoException " + e.errnoName();
            } catch (RuntimeException e) {
                out = "err " + e.getClass().getSimpleName() + " " + String.valueOf(e.getMessage()).replace('\n', ' ');
            }
            System.out.println(out.trim());
            System.out.flush();
        }
    }

    static String run(String[] a) throws Exception {
        String ifname = a.length > 1 ? a[1] : null;
        switch (a[0]) {
            case "flags": return Interfaces.flags(ifname).stream().map(Enum::name).sorted().collect(Collectors.joining(","));
            case "setflags": Interfaces.setFlags(ifname, flags(a[2]), flags(a[3])); return "";
            case "up": Interfaces.up(ifname); return "";
            case "down": Interfaces.down(ifname); return "";
            case "mtu": return Integer.toString(Interfaces.mtu(ifname));
            case "setmtu": Interfaces.setMtu(ifname, Integer.parseInt(a[2])); return "";
            case "hwaddr": return HexFormat.ofDelimiter(":").formatHex(Interfaces.hardwareAddress(ifname));
            case "sethwaddr": Interfaces.setHardwareAddress(ifname, HexFormat.ofDelimiter(":").parseHex(a[2])); return "";
            case "addr": return Interfaces.address(ifname).getHostAddress();
            case "netmask": return Interfaces.netmask(ifname).getHostAddress() + " /" + Interfaces.prefixLength(ifname);
            case "setaddr": Interfaces.setAddress(ifname, inet4(a[2]), Integer.parseInt(a[3])); return "";
            case "configdev": {
                int fd = Rawsock.socket(Domain.INET, SocketType.DGRAM);
                try {
                    Rawsock.configdev(fd, ifname, a[2].equals("-") ? null : inet4(a[2]),
                            Boolean.parseBoolean(a[3]), Boolean.parseBoolean(a[4]));
                } finally {
                    Rawsock.sockClose(fd);
                }
                return "";
            }
            default: throw new IllegalStateException("unknown command " + a[0]);
        }
    }

    static Set<IfFlag> flags(String list) {
        EnumSet<IfFlag> s = EnumSet.noneOf(IfFlag.class);
        if (!list.equals("-")) for (String f : list.split(",")) s.add(IfFlag.valueOf(f));
        return s;
    }

    static Inet4Address inet4(String s) throws Exception {
        return (Inet4Address) InetAddress.getByName(s);
    }
}
