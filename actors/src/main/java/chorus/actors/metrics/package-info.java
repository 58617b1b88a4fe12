/** The node's metrics: named meters whose labels come from enums only, never an address. */
package chorus.actors.metrics;
