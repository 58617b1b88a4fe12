/** XEP-0227 portable import and export of the domain's accounts (chorusctl export, chorusctl import). */
package chorus.node.portable;
