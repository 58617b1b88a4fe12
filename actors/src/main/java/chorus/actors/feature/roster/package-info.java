/** RFC 6121 §2-3 and Appendix A: the roster, its IQs, and the presence subscription state machine. */
package chorus.actors.feature.roster;
