/** The load scenarios: login, idle, chat, sweep, presence, offline, mixed. */
package chorus.loadtest.scenario;
