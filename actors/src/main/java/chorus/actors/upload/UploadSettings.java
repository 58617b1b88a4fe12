package chorus.actors.upload;

import com.typesafe.config.Config;

import java.time.Duration;

/**
 * Settings of the upload service, read once from {@code chorus.upload}.
 *
 * @param enabled      whether the domain offers HTTP File Upload
 * @param subdomain    the service's address is this label in front of the domain
 * @param port         the HTTPS port of this node's upload listener (0: no listener, and no service)
 * @param publicUrl    how clients reach this node's listener, e.g. https://node1.example.org:5281; empty
 *                     means https://DOMAIN:PORT
 * @param maxFileSize  the largest file, in bytes
 * @param quota        the most bytes one user's files may take on this node
 * @param retention    how long an uploaded file is kept before it is deleted
 * @param slotTimeout  how long a slot waits for its upload
 * @param maxOpenSlots slots one user may have waiting at once (issue 14: a quota in bytes alone lets one
 *                     user hold thousands of tiny slots)
 */
public record UploadSettings(boolean enabled, String subdomain, int port, String publicUrl, long maxFileSize,
                             long quota, Duration retention, Duration slotTimeout, int maxOpenSlots) {

    public UploadSettings {
        if (maxFileSize < 1 || quota < maxFileSize) {
            throw new IllegalArgumentException("chorus.upload: max-file-size must be at least 1 byte and quota at least max-file-size");
        }
        if (retention.isNegative() || retention.isZero() || slotTimeout.isNegative() || slotTimeout.isZero()) {
            throw new IllegalArgumentException("chorus.upload: retention and slot-timeout must be positive");
        }
        if (maxOpenSlots < 1) {
            throw new IllegalArgumentException("chorus.upload.max-open-slots must be at least 1");
        }
    }

    public static UploadSettings from(Config config) {
        Config c = config.getConfig("chorus.upload");
        return new UploadSettings(c.getBoolean("enabled"), c.getString("subdomain"), c.getInt("port"),
            c.getString("public-url"), c.getBytes("max-file-size"), c.getBytes("quota"), c.getDuration("retention"),
            c.getDuration("slot-timeout"), c.getInt("max-open-slots"));
    }

    /** Offered only when it is switched on and this node listens. */
    public boolean offered() {
        return enabled && port > 0;
    }

    public String serviceDomain(String domain) {
        return subdomain + "." + domain;
    }

    /** The base of the URLs handed out, without a trailing slash. */
    public String baseUrl(String domain) {
        String base = publicUrl.isBlank() ? "https://" + domain + ":" + port : publicUrl.strip();
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }
}
