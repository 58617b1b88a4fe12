/** XEP-0363 HTTP File Upload: the upload service's address and the slots it hands out. */
package chorus.actors.upload;
