// Package match identifies crystalline phases by comparing a list of
// observed peaks with the stick patterns of a reference database.
package match
