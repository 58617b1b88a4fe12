package chorus.loadtest.client;

/**
 * The accounts of a run: {@code PREFIX<first>} .. {@code PREFIX<first+count-1>} at the domain, one password
 * for all. Scenarios address users by index 0..count-1.
 */
public record Accounts(String prefix, int first, int count, String domain, String password) {
    public Accounts {
        if (count < 1) {
            throw new IllegalArgumentException("at least one account");
        }
        if (first < 0) {
            throw new IllegalArgumentException("the first account number must not be negative");
        }
    }

    public Account get(int index) {
        return new Account(username(index), domain, password);
    }

    public String username(int index) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException(index);
        }
        return prefix + (first + index);
    }

    public String jid(int index) {
        return username(index) + "@" + domain;
    }

    /** The index of a bare or full JID of these accounts, or -1. */
    public int indexOf(String jid) {
        if (jid == null) {
            return -1;
        }
        int at = jid.indexOf('@');
        int slash = jid.indexOf('/');
        if (at <= prefix.length() || !jid.startsWith(prefix)) {
            return -1;
        }
        String domainPart = slash < 0 ? jid.substring(at + 1) : jid.substring(at + 1, slash);
        if (!domainPart.equals(domain)) {
            return -1;
        }
        int n = 0;
        for (int i = prefix.length(); i < at; i++) {
            char c = jid.charAt(i);
            if (c < '0' || c > '9' || n > (Integer.MAX_VALUE - 9) / 10) {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        int index = n - first;
        return index >= 0 && index < count && username(index).length() == at ? index : -1;
    }

    @Override
    public String toString() {
        return "Accounts[" + prefix + first + ".." + prefix + (first + count - 1) + "@" + domain + "]";
    }
}
