/** A run's results as a one-screen summary, a JSON file and an HTML page with plots. */
package chorus.loadtest.report;
