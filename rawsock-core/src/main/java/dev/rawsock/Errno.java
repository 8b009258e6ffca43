package dev.rawsock;

import java.util.Optional;

/**
 * The {@code errno} values of Linux, named as in C, with their numbers from the kernel headers
 * ({@code <asm-generic/errno-base.h>}, {@code <asm-generic/errno.h>}: x86_64 and aarch64 share them)
 * and the text {@code strerror(3)} gives for each. An {@link ErrnoException} says which one it
 * carries with {@link ErrnoException#is(Errno...)}, so callers test Java names instead of strings:
 * {@code if (e.is(Errno.EAGAIN, Errno.EINTR)) ...}.
 *
 * <p>C's aliases are fields here: {@link #EWOULDBLOCK} is {@link #EAGAIN}, {@link #EDEADLOCK} is
 * {@link #EDEADLK}, {@link #ENOTSUP} is {@link #EOPNOTSUPP}. Numbers Linux leaves unused (41, 58) have
 * no constant: {@link #of(int)} is empty for them.
 */
public enum Errno {
    /** {@code EPERM} (1): Operation not permitted. */
    EPERM(1, "Operation not permitted"),
    /** {@code ENOENT} (2): No such file or directory. */
    ENOENT(2, "No such file or directory"),
    /** {@code ESRCH} (3): No such process. */
    ESRCH(3, "No such process"),
    /** {@code EINTR} (4): Interrupted system call. */
    EINTR(4, "Interrupted system call"),
    /** {@code EIO} (5): Input/output error. */
    EIO(5, "Input/output error"),
    /** {@code ENXIO} (6): No such device or address. */
    ENXIO(6, "No such device or address"),
    /** {@code E2BIG} (7): Argument list too long. */
    E2BIG(7, "Argument list too long"),
    /** {@code ENOEXEC} (8): Exec format error. */
    ENOEXEC(8, "Exec format error"),
    /** {@code EBADF} (9): Bad file descriptor. */
    EBADF(9, "Bad file descriptor"),
    /** {@code ECHILD} (10): No child processes. */
    ECHILD(10, "No child processes"),
    /** {@code EAGAIN} (11): Resource temporarily unavailable. */
    EAGAIN(11, "Resource temporarily unavailable"),
    /** {@code ENOMEM} (12): Cannot allocate memory. */
    ENOMEM(12, "Cannot allocate memory"),
    /** {@code EACCES} (13): Permission denied. */
    EACCES(13, "Permission denied"),
    /** {@code EFAULT} (14): Bad address. */
    EFAULT(14, "Bad address"),
    /** {@code ENOTBLK} (15): Block device required. */
    ENOTBLK(15, "Block device required"),
    /** {@code EBUSY} (16): Device or resource busy. */
    EBUSY(16, "Device or resource busy"),
    /** {@code EEXIST} (17): File exists. */
    EEXIST(17, "File exists"),
    /** {@code EXDEV} (18): Invalid cross-device link. */
    EXDEV(18, "Invalid cross-device link"),
    /** {@code ENODEV} (19): No such device. */
    ENODEV(19, "No such device"),
    /** {@code ENOTDIR} (20): Not a directory. */
    ENOTDIR(20, "Not a directory"),
    /** {@code EISDIR} (21): Is a directory. */
    EISDIR(21, "Is a directory"),
    /** {@code EINVAL} (22): Invalid argument. */
    EINVAL(22, "Invalid argument"),
    /** {@code ENFILE} (23): Too many open files in system. */
    ENFILE(23, "Too many open files in system"),
    /** {@code EMFILE} (24): Too many open files. */
    EMFILE(24, "Too many open files"),
    /** {@code ENOTTY} (25): Inappropriate ioctl for device. */
    ENOTTY(25, "Inappropriate ioctl for device"),
    /** {@code ETXTBSY} (26): Text file busy. */
    ETXTBSY(26, "Text file busy"),
    /** {@code EFBIG} (27): File too large. */
    EFBIG(27, "File too large"),
    /** {@code ENOSPC} (28): No space left on device. */
    ENOSPC(28, "No space left on device"),
    /** {@code ESPIPE} (29): Illegal seek. */
    ESPIPE(29, "Illegal seek"),
    /** {@code EROFS} (30): Read-only file system. */
    EROFS(30, "Read-only file system"),
    /** {@code EMLINK} (31): Too many links. */
    EMLINK(31, "Too many links"),
    /** {@code EPIPE} (32): Broken pipe. */
    EPIPE(32, "Broken pipe"),
    /** {@code EDOM} (33): Numerical argument out of domain. */
    EDOM(33, "Numerical argument out of domain"),
    /** {@code ERANGE} (34): Numerical result out of range. */
    ERANGE(34, "Numerical result out of range"),
    /** {@code EDEADLK} (35): Resource deadlock avoided. */
    EDEADLK(35, "Resource deadlock avoided"),
    /** {@code ENAMETOOLONG} (36): File name too long. */
    ENAMETOOLONG(36, "File name too long"),
    /** {@code ENOLCK} (37): No locks available. */
    ENOLCK(37, "No locks available"),
    /** {@code ENOSYS} (38): Function not implemented. */
    ENOSYS(38, "Function not implemented"),
    /** {@code ENOTEMPTY} (39): Directory not empty. */
    ENOTEMPTY(39, "Directory not empty"),
    /** {@code ELOOP} (40): Too many levels of symbolic links. */
    ELOOP(40, "Too many levels of symbolic links"),
    /** {@code ENOMSG} (42): No message of desired type. */
    ENOMSG(42, "No message of desired type"),
    /** {@code EIDRM} (43): Identifier removed. */
    EIDRM(43, "Identifier removed"),
    /** {@code ECHRNG} (44): Channel number out of range. */
    ECHRNG(44, "Channel number out of range"),
    /** {@code EL2NSYNC} (45): Level 2 not synchronized. */
    EL2NSYNC(45, "Level 2 not synchronized"),
    /** {@code EL3HLT} (46): Level 3 halted. */
    EL3HLT(46, "Level 3 halted"),
    /** {@code EL3RST} (47): Level 3 reset. */
    EL3RST(47, "Level 3 reset"),
    /** {@code ELNRNG} (48): Link number out of range. */
    ELNRNG(48, "Link number out of range"),
    /** {@code EUNATCH} (49): Protocol driver not attached. */
    EUNATCH(49, "Protocol driver not attached"),
    /** {@code ENOCSI} (50): No CSI structure available. */
    ENOCSI(50, "No CSI structure available"),
    /** {@code EL2HLT} (51): Level 2 halted. */
    EL2HLT(51, "Level 2 halted"),
    /** {@code EBADE} (52): Invalid exchange. */
    EBADE(52, "Invalid exchange"),
    /** {@code EBADR} (53): Invalid request descriptor. */
    EBADR(53, "Invalid request descriptor"),
    /** {@code EXFULL} (54): Exchange full. */
    EXFULL(54, "Exchange full"),
    /** {@code ENOANO} (55): No anode. */
    ENOANO(55, "No anode"),
    /** {@code EBADRQC} (56): Invalid request code. */
    EBADRQC(56, "Invalid request code"),
    /** {@code EBADSLT} (57): Invalid slot. */
    EBADSLT(57, "Invalid slot"),
    /** {@code EBFONT} (59): Bad font file format. */
    EBFONT(59, "Bad font file format"),
    /** {@code ENOSTR} (60): Device not a stream. */
    ENOSTR(60, "Device not a stream"),
    /** {@code ENODATA} (61): No data available. */
    ENODATA(61, "No data available"),
    /** {@code ETIME} (62): Timer expired. */
    ETIME(62, "Timer expired"),
    /** {@code ENOSR} (63): Out of streams resources. */
    ENOSR(63, "Out of streams resources"),
    /** {@code ENONET} (64): Machine is not on the network. */
    ENONET(64, "Machine is not on the network"),
    /** {@code ENOPKG} (65): Package not installed. */
    ENOPKG(65, "Package not installed"),
    /** {@code EREMOTE} (66): Object is remote. */
    EREMOTE(66, "Object is remote"),
    /** {@code ENOLINK} (67): Link has been severed. */
    ENOLINK(67, "Link has been severed"),
    /** {@code EADV} (68): Advertise error. */
    EADV(68, "Advertise error"),
    /** {@code ESRMNT} (69): Srmount error. */
    ESRMNT(69, "Srmount error"),
    /** {@code ECOMM} (70): Communication error on send. */
    ECOMM(70, "Communication error on send"),
    /** {@code EPROTO} (71): Protocol error. */
    EPROTO(71, "Protocol error"),
    /** {@code EMULTIHOP} (72): Multihop attempted. */
    EMULTIHOP(72, "Multihop attempted"),
    /** {@code EDOTDOT} (73): RFS specific error. */
    EDOTDOT(73, "RFS specific error"),
    /** {@code EBADMSG} (74): Bad message. */
    EBADMSG(74, "Bad message"),
    /** {@code EOVERFLOW} (75): Value too large for defined data type. */
    EOVERFLOW(75, "Value too large for defined data type"),
    /** {@code ENOTUNIQ} (76): Name not unique on network. */
    ENOTUNIQ(76, "Name not unique on network"),
    /** {@code EBADFD} (77): File descriptor in bad state. */
    EBADFD(77, "File descriptor in bad state"),
    /** {@code EREMCHG} (78): Remote address changed. */
    EREMCHG(78, "Remote address changed"),
    /** {@code ELIBACC} (79): Can not access a needed shared library. */
    ELIBACC(79, "Can not access a needed shared library"),
    /** {@code ELIBBAD} (80): Accessing a corrupted shared library. */
    ELIBBAD(80, "Accessing a corrupted shared library"),
    /** {@code ELIBSCN} (81): .lib section in a.out corrupted. */
    ELIBSCN(81, ".lib section in a.out corrupted"),
    /** {@code ELIBMAX} (82): Attempting to link in too many shared libraries. */
    ELIBMAX(82, "Attempting to link in too many shared libraries"),
    /** {@code ELIBEXEC} (83): Cannot exec a shared library directly. */
    ELIBEXEC(83, "Cannot exec a shared library directly"),
    /** {@code EILSEQ} (84): Invalid or incomplete multibyte or wide character. */
    EILSEQ(84, "Invalid or incomplete multibyte or wide character"),
    /** {@code ERESTART} (85): Interrupted system call should be restarted. */
    ERESTART(85, "Interrupted system call should be restarted"),
    /** {@code ESTRPIPE} (86): Streams pipe error. */
    ESTRPIPE(86, "Streams pipe error"),
    /** {@code EUSERS} (87): Too many users. */
    EUSERS(87, "Too many users"),
    /** {@code ENOTSOCK} (88): Socket operation on non-socket. */
    ENOTSOCK(88, "Socket operation on non-socket"),
    /** {@code EDESTADDRREQ} (89): Destination address required. */
    EDESTADDRREQ(89, "Destination address required"),
    /** {@code EMSGSIZE} (90): Message too long. */
    EMSGSIZE(90, "Message too long"),
    /** {@code EPROTOTYPE} (91): Protocol wrong type for socket. */
    EPROTOTYPE(91, "Protocol wrong type for socket"),
    /** {@code ENOPROTOOPT} (92): Protocol not available. */
    ENOPROTOOPT(92, "Protocol not available"),
    /** {@code EPROTONOSUPPORT} (93): Protocol not supported. */
    EPROTONOSUPPORT(93, "Protocol not supported"),
    /** {@code ESOCKTNOSUPPORT} (94): Socket type not supported. */
    ESOCKTNOSUPPORT(94, "Socket type not supported"),
    /** {@code EOPNOTSUPP} (95): Operation not supported. */
    EOPNOTSUPP(95, "Operation not supported"),
    /** {@code EPFNOSUPPORT} (96): Protocol family not supported. */
    EPFNOSUPPORT(96, "Protocol family not supported"),
    /** {@code EAFNOSUPPORT} (97): Address family not supported by protocol. */
    EAFNOSUPPORT(97, "Address family not supported by protocol"),
    /** {@code EADDRINUSE} (98): Address already in use. */
    EADDRINUSE(98, "Address already in use"),
    /** {@code EADDRNOTAVAIL} (99): Cannot assign requested address. */
    EADDRNOTAVAIL(99, "Cannot assign requested address"),
    /** {@code ENETDOWN} (100): Network is down. */
    ENETDOWN(100, "Network is down"),
    /** {@code ENETUNREACH} (101): Network is unreachable. */
    ENETUNREACH(101, "Network is unreachable"),
    /** {@code ENETRESET} (102): Network dropped connection on reset. */
    ENETRESET(102, "Network dropped connection on reset"),
    /** {@code ECONNABORTED} (103): Software caused connection abort. */
    ECONNABORTED(103, "Software caused connection abort"),
    /** {@code ECONNRESET} (104): Connection reset by peer. */
    ECONNRESET(104, "Connection reset by peer"),
    /** {@code ENOBUFS} (105): No buffer space available. */
    ENOBUFS(105, "No buffer space available"),
    /** {@code EISCONN} (106): Transport endpoint is already connected. */
    EISCONN(106, "Transport endpoint is already connected"),
    /** {@code ENOTCONN} (107): Transport endpoint is not connected. */
    ENOTCONN(107, "Transport endpoint is not connected"),
    /** {@code ESHUTDOWN} (108): Cannot send after transport endpoint shutdown. */
    ESHUTDOWN(108, "Cannot send after transport endpoint shutdown"),
    /** {@code ETOOMANYREFS} (109): Too many references: cannot splice. */
    ETOOMANYREFS(109, "Too many references: cannot splice"),
    /** {@code ETIMEDOUT} (110): Connection timed out. */
    ETIMEDOUT(110, "Connection timed out"),
    /** {@code ECONNREFUSED} (111): Connection refused. */
    ECONNREFUSED(111, "Connection refused"),
    /** {@code EHOSTDOWN} (112): Host is down. */
    EHOSTDOWN(112, "Host is down"),
    /** {@code EHOSTUNREACH} (113): No route to host. */
    EHOSTUNREACH(113, "No route to host"),
    /** {@code EALREADY} (114): Operation already in progress. */
    EALREADY(114, "Operation already in progress"),
    /** {@code EINPROGRESS} (115): Operation now in progress. */
    EINPROGRESS(115, "Operation now in progress"),
    /** {@code ESTALE} (116): Stale file handle. */
    ESTALE(116, "Stale file handle"),
    /** {@code EUCLEAN} (117): Structure needs cleaning. */
    EUCLEAN(117, "Structure needs cleaning"),
    /** {@code ENOTNAM} (118): Not a XENIX named type file. */
    ENOTNAM(118, "Not a XENIX named type file"),
    /** {@code ENAVAIL} (119): No XENIX semaphores available. */
    ENAVAIL(119, "No XENIX semaphores available"),
    /** {@code EISNAM} (120): Is a named type file. */
    EISNAM(120, "Is a named type file"),
    /** {@code EREMOTEIO} (121): Remote I/O error. */
    EREMOTEIO(121, "Remote I/O error"),
    /** {@code EDQUOT} (122): Disk quota exceeded. */
    EDQUOT(122, "Disk quota exceeded"),
    /** {@code ENOMEDIUM} (123): No medium found. */
    ENOMEDIUM(123, "No medium found"),
    /** {@code EMEDIUMTYPE} (124): Wrong medium type. */
    EMEDIUMTYPE(124, "Wrong medium type"),
    /** {@code ECANCELED} (125): Operation canceled. */
    ECANCELED(125, "Operation canceled"),
    /** {@code ENOKEY} (126): Required key not available. */
    ENOKEY(126, "Required key not available"),
    /** {@code EKEYEXPIRED} (127): Key has expired. */
    EKEYEXPIRED(127, "Key has expired"),
    /** {@code EKEYREVOKED} (128): Key has been revoked. */
    EKEYREVOKED(128, "Key has been revoked"),
    /** {@code EKEYREJECTED} (129): Key was rejected by service. */
    EKEYREJECTED(129, "Key was rejected by service"),
    /** {@code EOWNERDEAD} (130): Owner died. */
    EOWNERDEAD(130, "Owner died"),
    /** {@code ENOTRECOVERABLE} (131): State not recoverable. */
    ENOTRECOVERABLE(131, "State not recoverable"),
    /** {@code ERFKILL} (132): Operation not possible due to RF-kill. */
    ERFKILL(132, "Operation not possible due to RF-kill"),
    /** {@code EHWPOISON} (133): Memory page has hardware error. */
    EHWPOISON(133, "Memory page has hardware error");

    /** {@code EWOULDBLOCK}: the same number as {@link #EAGAIN} on Linux. */
    public static final Errno EWOULDBLOCK = EAGAIN;
    /** {@code EDEADLOCK}: the same number as {@link #EDEADLK} on Linux. */
    public static final Errno EDEADLOCK = EDEADLK;
    /** {@code ENOTSUP}: the same number as {@link #EOPNOTSUPP} on Linux. */
    public static final Errno ENOTSUP = EOPNOTSUPP;

    private static final Errno[] BY_NUMBER = byNumber();

    private final int number;
    private final String description;

    Errno(int number, String description) {
        this.number = number;
        this.description = description;
    }

    /** {@return the number, e.g. 111 for ECONNREFUSED} */
    public int number() { return number; }

    /** {@return what {@code strerror(3)} says for it in the C locale, e.g. {@code "Connection refused"}} */
    public String description() { return description; }

    /**
     * {@return the constant with this number, or empty for a number Linux does not name}
     *
     * @param number an errno value
     */
    public static Optional<Errno> of(int number) {
        return Optional.ofNullable(number > 0 && number < BY_NUMBER.length ? BY_NUMBER[number] : null);
    }

    /**
     * {@return the constant with this C name, aliases included ({@code "EWOULDBLOCK"} is {@link #EAGAIN}),
     * or empty for an unknown name; the name is exact, as C spells it}
     *
     * @param name a C name such as {@code "ECONNREFUSED"}
     */
    public static Optional<Errno> forName(String name) {
        switch (name) {
            case "EWOULDBLOCK": return Optional.of(EWOULDBLOCK);
            case "EDEADLOCK": return Optional.of(EDEADLOCK);
            case "ENOTSUP": return Optional.of(ENOTSUP);
            default:
        }
        for (Errno e : values()) if (e.name().equals(name)) return Optional.of(e);
        return Optional.empty();
    }

    private static Errno[] byNumber() {
        Errno[] all = values();
        Errno[] t = new Errno[all[all.length - 1].number + 1];
        for (Errno e : all) t[e.number] = e;
        return t;
    }
}
