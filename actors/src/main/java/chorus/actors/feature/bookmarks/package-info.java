/** XEP-0402 PEP Native Bookmarks kept in sync with XEP-0048 bookmarks in XEP-0049 private storage (§5.3). */
package chorus.actors.feature.bookmarks;
