package chorus.persistence.backup;

/** A backup that cannot be made or restored, with a message for the admin. */
public final class BackupException extends RuntimeException {
    public BackupException(String message) {
        super(message);
    }

    public BackupException(String message, Throwable cause) {
        super(message, cause);
    }
}
