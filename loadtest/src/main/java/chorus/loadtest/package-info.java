/** The load generator's command line: scenarios against any XMPP server, with reports. */
package chorus.loadtest;
