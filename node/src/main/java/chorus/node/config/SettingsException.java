package chorus.node.config;

/** A setting that stops the node at start; the message names the setting and the problem. */
public final class SettingsException extends RuntimeException {
    public SettingsException(String setting, String problem) {
        super("bad setting " + setting + ": " + problem);
    }
}
