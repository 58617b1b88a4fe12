/** Encrypted backups of a keyspace's rows (AES-256-GCM in authenticated chunks) and their restore into an empty keyspace. */
package chorus.persistence.backup;
