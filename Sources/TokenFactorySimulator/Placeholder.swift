public enum SimulatorPlaceholder {}
internal import Hummingbird
