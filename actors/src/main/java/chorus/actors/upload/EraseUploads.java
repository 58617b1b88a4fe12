package chorus.actors.upload;

import chorus.actors.ClusterMessage;

/**
 * Sent to every node when an account is removed: delete the files this owner uploaded to you, now. The
 * owner is the digest the upload stores keep ({@link UploadService#owner}), never the address itself.
 */
public record EraseUploads(String owner) implements ClusterMessage {
}
