package dev.rawsock.cli;

/** A failure the command explains in one line (exit status 1). */
final class CliException extends RuntimeException {
    CliException(String message) {
        super(message);
    }

    CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
