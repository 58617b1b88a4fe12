/** Delivery-error diagnostics: recording failed deliveries (metadata only) and pruning them weekly. */
package chorus.actors.diagnostics;
