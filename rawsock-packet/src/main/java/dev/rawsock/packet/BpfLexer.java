package dev.rawsock.packet;

import java.util.ArrayList;
import java.util.List;

/**
 * The pcap-filter lexer (libpcap's {@code scanner.l}): words, numbers, dotted and IPv6 literals, MAC
 * addresses and punctuation, each with its character position for error messages.
 */
final class BpfLexer {

    private BpfLexer() {
    }

    /** A failure at a character position; the parser keeps the one that got furthest. */
    static final class FilterError extends RuntimeException {
        final int pos;

        FilterError(int pos, String message) {
            super(message, null, false, false);
            this.pos = pos;
        }

        IllegalArgumentException toIae(String filter) {
            return new IllegalArgumentException("bad pcap filter \"" + abbreviate(filter) + "\" at position " + pos + ": "
                    + getMessage());
        }
    }

    /** The filter as quoted in messages: whole unless it is very long. */
    static String abbreviate(String filter) {
        return filter.length() <= 200 ? filter : filter.substring(0, 200) + "...";
    }

    private static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile("0[xX][0-9a-fA-F]+|[0-9]+");
    private static final java.util.regex.Pattern DOTTED = java.util.regex.Pattern.compile("[0-9]+(\\.[0-9]+){1,3}");

    enum Kind { WORD, NUM, HID, IP6, MAC, PUNCT, END }

    record Tok(Kind kind, String text, int pos) {
        boolean is(String s) {
            return (kind == Kind.PUNCT || kind == Kind.WORD) && text.equals(s);
        }

        String describe() {
            return kind == Kind.END ? "end of filter" : "\"" + text + "\"";
        }
    }

    private static final String[] PUNCTS = {"&&", "||", "<<", ">>", "<=", ">=", "==", "!=",
        "!", "(", ")", "[", "]", ":", "<", ">", "=", "+", "-", "*", "/", "%", "&", "|", "^"};

    static List<Tok> lex(String s) {
        List<Tok> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        outer:
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            if (isWordStart(c) || (c == ':' && i + 1 < n && s.charAt(i + 1) == ':')) {
                int end = i;
                while (end < n && isWordChar(s.charAt(end))) {
                    end++;
                }
                while (end > i + 1 && (s.charAt(end - 1) == '-' || s.charAt(end - 1) == '_')) {
                    end--; // a word ends in a letter, digit or dot, as libpcap's ID does
                }
                if (end < n && s.charAt(end) == ':' || c == ':') {
                    int e2 = i;
                    while (e2 < n && (isHex(s.charAt(e2)) || s.charAt(e2) == ':' || s.charAt(e2) == '.')) {
                        e2++;
                    }
                    String lit = s.substring(i, e2);
                    if (BpfNames.mac(lit) != null) {
                        out.add(new Tok(Kind.MAC, lit, i));
                        i = e2;
                        continue;
                    }
                    if (BpfNames.ipv6(lit) != null) {
                        out.add(new Tok(Kind.IP6, lit, i));
                        i = e2;
                        continue;
                    }
                    if (c == ':') {
                        throw new FilterError(i, "expected an IPv6 address, found \"" + lit + "\"");
                    }
                }
                String w = s.substring(i, end);
                Kind k;
                if (NUMBER.matcher(w).matches()) {
                    k = Kind.NUM;
                } else if (BpfNames.mac(w) != null) {
                    k = Kind.MAC; // before HID: 0011.2233.4455 is a MAC address, as libpcap reads it
                } else if (DOTTED.matcher(w).matches()) {
                    k = Kind.HID;
                } else {
                    k = Kind.WORD;
                }
                out.add(new Tok(k, w, i));
                i = end;
                continue;
            }
            for (String p : PUNCTS) {
                if (s.startsWith(p, i)) {
                    out.add(new Tok(Kind.PUNCT, p, i));
                    i += p.length();
                    continue outer;
                }
            }
            throw new FilterError(i, "unexpected character '" + c + "'");
        }
        out.add(new Tok(Kind.END, "", n));
        return out;
    }

    private static boolean isWordStart(char c) {
        return c < 128 && (Character.isLetterOrDigit(c) || c == '_');
    }

    private static boolean isWordChar(char c) {
        return isWordStart(c) || c == '-' || c == '.';
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0 && c < 128;
    }
}
