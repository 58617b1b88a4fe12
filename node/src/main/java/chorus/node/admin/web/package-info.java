/** The web admin on the admin port: server-rendered pages, no script, no external resources; shows no address. */
package chorus.node.admin.web;
