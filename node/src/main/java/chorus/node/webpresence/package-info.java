/** The web presence badge's route on the HTTP listener: {@code /status/USER} as an image and as JSON. */
package chorus.node.webpresence;
