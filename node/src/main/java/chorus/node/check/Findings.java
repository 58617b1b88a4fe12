package chorus.node.check;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** The findings of a run, in the order found, printed one per line with the fix under each problem. */
public final class Findings {
    private final List<Finding> all = new ArrayList<>();

    public void add(Finding f) {
        all.add(f);
    }

    public void addAll(List<Finding> fs) {
        all.addAll(fs);
    }

    public List<Finding> all() {
        return List.copyOf(all);
    }

    public long count(Finding.Level level) {
        return all.stream().filter(f -> f.level() == level).count();
    }

    public void print(PrintWriter out) {
        for (Finding f : all) {
            out.printf("%-4s %-11s %s%n", f.level(), f.area(), f.message());
            if (!f.fix().isEmpty()) {
                out.printf("     %-11s fix: %s%n", "", f.fix());
            }
        }
        long fail = count(Finding.Level.FAIL);
        long warn = count(Finding.Level.WARN);
        out.println(fail == 0 && warn == 0 ? "Everything checked is fine."
            : fail + " problem(s), " + warn + " warning(s).");
    }
}
