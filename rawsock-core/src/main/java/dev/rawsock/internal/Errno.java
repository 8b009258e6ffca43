package dev.rawsock.internal;

/**
 * The one place that knows errno values: their symbolic names ({@code <asm-generic/errno-base.h>},
 * {@code <asm-generic/errno.h>}; x86_64 and aarch64 share them) and their text ({@code strerror(3)}).
 */
public final class Errno {
    private Errno() {}

    public static final int EPERM = 1, ENOENT = 2, EINTR = 4, EIO = 5, ENXIO = 6, EBADF = 9, EAGAIN = 11,
            ENOMEM = 12, EACCES = 13, EFAULT = 14, EBUSY = 16, EEXIST = 17, ENODEV = 19, EINVAL = 22,
            EMFILE = 24, ENOTTY = 25, EPIPE = 32, ERANGE = 34, ENOSYS = 38, ENOPROTOOPT = 92,
            EPROTONOSUPPORT = 93, ESOCKTNOSUPPORT = 94, EOPNOTSUPP = 95, EAFNOSUPPORT = 97,
            EADDRINUSE = 98, EADDRNOTAVAIL = 99, ENETUNREACH = 101, ECONNRESET = 104, EISCONN = 106,
            ENOTCONN = 107, ETIMEDOUT = 110, ECONNREFUSED = 111, EHOSTUNREACH = 113, EALREADY = 114,
            EINPROGRESS = 115, ENOTSOCK = 88, EDESTADDRREQ = 89, EMSGSIZE = 90, EPROTOTYPE = 91;

    private static final String[] NAMES = names();

    /** The symbolic name, e.g. {@code "ECONNREFUSED"}; {@code "errno N"} for a number Linux does not define. */
    public static String name(int errno) {
        String n = errno > 0 && errno < NAMES.length ? NAMES[errno] : null;
        return n != null ? n : "errno " + errno;
    }

    /** The number for a symbolic name ({@code "EAGAIN"}, also the aliases EWOULDBLOCK, EDEADLOCK, ENOTSUP), or -1. */
    public static int valueOf(String name) {
        switch (name) {
            case "EWOULDBLOCK": return EAGAIN;
            case "EDEADLOCK": return 35;
            case "ENOTSUP": return EOPNOTSUPP;
            default:
        }
        for (int i = 1; i < NAMES.length; i++) if (name.equals(NAMES[i])) return i;
        return -1;
    }

    /** The largest errno this table names. */
    public static int max() { return NAMES.length - 1; }

    /** {@code strerror(errno)}: the C library's text for it. */
    public static String describe(int errno) {
        return Libc.strerror(errno);
    }

    private static String[] names() {
        String[] n = new String[134];
        n[1] = "EPERM";
        n[2] = "ENOENT";
        n[3] = "ESRCH";
        n[4] = "EINTR";
        n[5] = "EIO";
        n[6] = "ENXIO";
        n[7] = "E2BIG";
        n[8] = "ENOEXEC";
        n[9] = "EBADF";
        n[10] = "ECHILD";
        n[11] = "EAGAIN";
        n[12] = "ENOMEM";
        n[13] = "EACCES";
        n[14] = "EFAULT";
        n[15] = "ENOTBLK";
        n[16] = "EBUSY";
        n[17] = "EEXIST";
        n[18] = "EXDEV";
        n[19] = "ENODEV";
        n[20] = "ENOTDIR";
        n[21] = "EISDIR";
        n[22] = "EINVAL";
        n[23] = "ENFILE";
        n[24] = "EMFILE";
        n[25] = "ENOTTY";
        n[26] = "ETXTBSY";
        n[27] = "EFBIG";
        n[28] = "ENOSPC";
        n[29] = "ESPIPE";
        n[30] = "EROFS";
        n[31] = "EMLINK";
        n[32] = "EPIPE";
        n[33] = "EDOM";
        n[34] = "ERANGE";
        n[35] = "EDEADLK";
        n[36] = "ENAMETOOLONG";
        n[37] = "ENOLCK";
        n[38] = "ENOSYS";
        n[39] = "ENOTEMPTY";
        n[40] = "ELOOP";
        n[42] = "ENOMSG";
        n[43] = "EIDRM";
        n[44] = "ECHRNG";
        n[45] = "EL2NSYNC";
        n[46] = "EL3HLT";
        n[47] = "EL3RST";
        n[48] = "ELNRNG";
        n[49] = "EUNATCH";
        n[50] = "ENOCSI";
        n[51] = "EL2HLT";
        n[52] = "EBADE";
        n[53] = "EBADR";
        n[54] = "EXFULL";
        n[55] = "ENOANO";
        n[56] = "EBADRQC";
        n[57] = "EBADSLT";
        n[59] = "EBFONT";
        n[60] = "ENOSTR";
        n[61] = "ENODATA";
        n[62] = "ETIME";
        n[63] = "ENOSR";
        n[64] = "ENONET";
        n[65] = "ENOPKG";
        n[66] = "EREMOTE";
        n[67] = "ENOLINK";
        n[68] = "EADV";
        n[69] = "ESRMNT";
        n[70] = "ECOMM";
        n[71] = "EPROTO";
        n[72] = "EMULTIHOP";
        n[73] = "EDOTDOT";
        n[74] = "EBADMSG";
        n[75] = "EOVERFLOW";
        n[76] = "ENOTUNIQ";
        n[77] = "EBADFD";
        n[78] = "EREMCHG";
        n[79] = "ELIBACC";
        n[80] = "ELIBBAD";
        n[81] = "ELIBSCN";
        n[82] = "ELIBMAX";
        n[83] = "ELIBEXEC";
        n[84] = "EILSEQ";
        n[85] = "ERESTART";
        n[86] = "ESTRPIPE";
        n[87] = "EUSERS";
        n[88] = "ENOTSOCK";
        n[89] = "EDESTADDRREQ";
        n[90] = "EMSGSIZE";
        n[91] = "EPROTOTYPE";
        n[92] = "ENOPROTOOPT";
        n[93] = "EPROTONOSUPPORT";
        n[94] = "ESOCKTNOSUPPORT";
        n[95] = "EOPNOTSUPP";
        n[96] = "EPFNOSUPPORT";
        n[97] = "EAFNOSUPPORT";
        n[98] = "EADDRINUSE";
        n[99] = "EADDRNOTAVAIL";
        n[100] = "ENETDOWN";
        n[101] = "ENETUNREACH";
        n[102] = "ENETRESET";
        n[103] = "ECONNABORTED";
        n[104] = "ECONNRESET";
        n[105] = "ENOBUFS";
        n[106] = "EISCONN";
        n[107] = "ENOTCONN";
        n[108] = "ESHUTDOWN";
        n[109] = "ETOOMANYREFS";
        n[110] = "ETIMEDOUT";
        n[111] = "ECONNREFUSED";
        n[112] = "EHOSTDOWN";
        n[113] = "EHOSTUNREACH";
        n[114] = "EALREADY";
        n[115] = "EINPROGRESS";
        n[116] = "ESTALE";
        n[117] = "EUCLEAN";
        n[118] = "ENOTNAM";
        n[119] = "ENAVAIL";
        n[120] = "EISNAM";
        n[121] = "EREMOTEIO";
        n[122] = "EDQUOT";
        n[123] = "ENOMEDIUM";
        n[124] = "EMEDIUMTYPE";
        n[125] = "ECANCELED";
        n[126] = "ENOKEY";
        n[127] = "EKEYEXPIRED";
        n[128] = "EKEYREVOKED";
        n[129] = "EKEYREJECTED";
        n[130] = "EOWNERDEAD";
        n[131] = "ENOTRECOVERABLE";
        n[132] = "ERFKILL";
        n[133] = "EHWPOISON";
        return n;
    }
}
