import PolicyCLI

PolicyCLIMain.run()
