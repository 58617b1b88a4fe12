/**
 * XEP-0215 External Service Discovery: the STUN and TURN servers a client may use for calls, from configuration,
 * with time-limited TURN credentials (the TURN REST API convention coturn's use-auth-secret follows).
 */
package chorus.actors.feature.extdisco;
