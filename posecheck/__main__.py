from posecheck.cli.main import entry

entry()
