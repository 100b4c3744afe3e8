using Ledger.Chaos.History;

namespace Ledger.Chaos.Tests.Workload;

public sealed class HistoryRecorderBoundTests
{
    [Test]
    public void Invoke_PastTheBound_ReturnsNullAndSaysOverflowed()
    {
        // Arrange
        var recorder = new HistoryRecorder(operationsMax: 3);
        for (var i = 0; i < 3; i++)
        {
            Assert.That(recorder.Invoke(0, OperationKind.Register, $"{i:x64}", "node-1"), Is.Not.Null);
        }

        // Act
        var fourth = recorder.Invoke(0, OperationKind.Register, "ff", "node-1");

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(fourth, Is.Null);
            Assert.That(recorder.Overflowed, Is.True);
            Assert.That(recorder.Count, Is.EqualTo(3));
        });
    }

    [Test]
    public void Complete_ErrorLongerThanTheBound_KeepsErrorCharsMax()
    {
        // Arrange
        var recorder = new HistoryRecorder(operationsMax: 1);
        var invoked = recorder.Invoke(0, OperationKind.Register, "aa", "node-1")!;

        // Act
        recorder.Complete(invoked, invoked with { Outcome = OutcomeKind.Unknown, Error = new string('x', 10 * HistoryRecorder.ErrorCharsMax) });

        // Assert
        Assert.That(recorder.Snapshot()[0].Error, Has.Length.EqualTo(HistoryRecorder.ErrorCharsMax));
    }

    [Test]
    public void Constructor_BoundAboveOperationsMax_Throws()
    {
        Assert.That(() => new HistoryRecorder(HistoryRecorder.OperationsMax + 1), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
