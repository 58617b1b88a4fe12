package chorus.node.cli;

import picocli.CommandLine;

/** The version printed by --version and answered to XEP-0092 queries. */
public final class Version implements CommandLine.IVersionProvider {
    public static String current() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"Chorus " + current()};
    }
}
