/** The node's HTTPS listener for XEP-0363 uploads: PUT into a slot, GET what was put. */
package chorus.node.http;
