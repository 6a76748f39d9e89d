using FsCheck;
using FsCheck.Fluent;

namespace PolicyAttach.Testing.Tests;

public class HistoryTests
{
    [Fact]
    public void History_FixedSample_HasEveryKindOfChange()
    {
        var histories = WorldGenerators.History().Sample(60, new Rnd(Samples.Seed), 40);
        var descriptions = histories.SelectMany(h => h.Batches.Select(b => b.Description)).ToList();
        foreach (var kind in new[] { "delete ", "re-add ", "rename ", "change the first match", "point ", "add a copy", "change the spec", "retarget ", "add a older policy", "add a newer policy", "set label env", "toggle label tier", "set the hostname", "toggle port" })
        {
            Assert.Contains(descriptions, d => d.StartsWith(kind, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void History_States_ApplyEachBatchInTurn()
    {
        var history = WorldGenerators.History().Sample(5, new Rnd(Samples.Seed), 40).First(h => h.Batches.Count >= 2);
        var states = history.States().ToList();
        Assert.Equal(history.Batches.Count, states.Count);
        Assert.Equal(history.Batches[0].ApplyTo(history.Initial), states[0]);
        Assert.Equal(history.Batches[1].ApplyTo(states[0]), states[1]);
        Assert.Contains("# Batch 1: " + history.Batches[0].Description, history.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void History_Rename_DeletesTheOldKeyAndPutsTheNewOne()
    {
        var world = TestWorld.Of(new ServiceBuilder("app", "svc", 80));
        var batch = new WorldChangeBatch("rename", [WorldChange.Delete(world.Objects[0].Key), WorldChange.Put(world.Objects[0] with { Name = "svc2" })]);
        Assert.Equal(["svc2"], batch.ApplyTo(world).Objects.Select(o => o.Name));
    }
}
