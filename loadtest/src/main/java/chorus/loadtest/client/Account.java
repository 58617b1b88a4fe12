package chorus.loadtest.client;

/** A test account: its username (the localpart), domain and password. */
public record Account(String username, String domain, String password) {
    public String jid() {
        return username + "@" + domain;
    }

    @Override
    public String toString() {
        return "Account[" + jid() + "]";
    }
}
